from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Category
from common.errors import InvalidState
from orders.models import Order, OrderEvent
from orders.services.lifecycle import (
    order_cancel,
    order_confirm_receipt,
    order_ship,
    orders_auto_confirm_due,
    orders_cancel_overdue,
)
from orders.tasks import orders_auto_confirm_task, orders_cancel_overdue_task
from orders.tests.helpers import pay, place, placed_paid, placed_shipped
from payments.models import LedgerAccount, Payment
from payments.selectors import ledger_balance
from tests.factories import ProductFactory, ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def events(order) -> list[str]:
    return list(OrderEvent.objects.filter(order=order).values_list("type", flat=True))


def test_buyer_cancels_an_unpaid_order_and_the_stock_comes_back():
    sku = SkuFactory(stock=5)
    order = place(UserFactory(), {sku: 3})[0]

    order_cancel(order_id=order.pk, actor=order.buyer)

    order.refresh_from_db(), sku.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and sku.stock == 5
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.CANCELLED
    assert events(order) == ["placed", "cancelled"]


def test_cancelling_one_of_two_orders_lowers_the_payment():
    buyer = UserFactory()
    a, b = sku_in_shop(ShopFactory(), price="10.00"), sku_in_shop(ShopFactory(), price="20.00")
    first, second = place(buyer, {a: 1, b: 1})

    order_cancel(order_id=first.pk, actor=buyer)

    payment = Payment.objects.get(pk=second.payment_id)
    assert payment.status == Payment.Status.PENDING and payment.amount == second.total
    pay(second)
    second.refresh_from_db(), first.refresh_from_db()
    assert second.status == Order.Status.PAID and first.status == Order.Status.CANCELLED


def test_a_paid_order_cannot_be_cancelled():
    order = placed_paid(UserFactory(), SkuFactory())
    with pytest.raises(InvalidState):
        order_cancel(order_id=order.pk, actor=order.buyer)


def test_auto_cancel_after_the_payment_deadline(settings):
    settings.ORDER_PAYMENT_DEADLINE = timedelta(minutes=30)
    sku = SkuFactory(stock=4)
    placed_at = timezone.now()
    overdue = place(UserFactory(), {sku: 1}, now=placed_at - timedelta(minutes=31))[0]
    fresh = place(UserFactory(), {sku: 1}, now=placed_at)[0]
    paid = placed_paid(UserFactory(), sku)
    Order.objects.filter(pk=paid.pk).update(payment_deadline_at=placed_at - timedelta(minutes=1))

    assert orders_cancel_overdue_task.delay().get() == 1
    assert orders_cancel_overdue(now=placed_at) == 0  # a second run finds nothing

    overdue.refresh_from_db(), fresh.refresh_from_db(), paid.refresh_from_db(), sku.refresh_from_db()
    assert (overdue.status, fresh.status, paid.status) == ("cancelled", "pending_payment", "paid")
    assert sku.stock == 2
    assert OrderEvent.objects.get(order=overdue, type="cancelled").data == {"reason": "payment_deadline"}
    # ... and when the clock reaches the fresh order's deadline, it goes too
    assert orders_cancel_overdue(now=placed_at + timedelta(minutes=31)) == 1


def test_paying_marks_every_order_paid_and_holds_the_money_in_escrow():
    buyer = UserFactory()
    farm, workshop = ShopFactory(), ShopFactory()
    orders = place(buyer, {sku_in_shop(farm, price="28.00"): 2, sku_in_shop(workshop, price="89.00"): 1})

    pay(orders[0])

    assert set(Order.objects.filter(payment_id=orders[0].payment_id).values_list("status", flat=True)) == {"paid"}
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=farm.pk) == Decimal("56.00")
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=workshop.pk) == Decimal("89.00")
    assert ledger_balance(kind=LedgerAccount.Kind.BUYER_CLEARING) == Decimal("-145.00")
    assert orders[0].lines.first().product.__class__.objects.get(pk=orders[0].lines.first().product_id).sales_count == 2


def test_ship_only_a_paid_order_and_auto_confirm_is_set(settings):
    settings.ORDER_AUTO_CONFIRM_DAYS = 10
    buyer, sku = UserFactory(), SkuFactory()
    unpaid = place(buyer, {sku: 1})[0]
    with pytest.raises(InvalidState):
        order_ship(order_id=unpaid.pk, actor=unpaid.shop.owner, carrier="SF", tracking_number="SF123456")

    order = placed_paid(buyer, sku)
    now = timezone.now()
    order_ship(order_id=order.pk, actor=order.shop.owner, carrier="SF Express", tracking_number="SF123456", now=now)

    order.refresh_from_db()
    assert order.status == "shipped" and order.auto_confirm_at == now + timedelta(days=10)
    with pytest.raises(InvalidState):  # not twice
        order_ship(order_id=order.pk, actor=order.shop.owner, carrier="SF", tracking_number="SF123456")


def test_confirming_receipt_moves_escrow_to_the_seller_less_commission(settings):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.05")
    category = Category.objects.create(name="测试", slug="t-commission", commission_rate=Decimal("0.1000"))
    shop = ShopFactory()
    sku = SkuFactory(product=ProductFactory(shop=shop, category=category), price=Decimal("33.33"))
    buyer = UserFactory()
    paid_only = placed_paid(buyer, sku)
    with pytest.raises(InvalidState):  # paid but not shipped
        order_confirm_receipt(order_id=paid_only.pk, actor=buyer)

    order = placed_shipped(buyer, sku, quantity=3)  # 99.99
    order_confirm_receipt(order_id=order.pk, actor=buyer)

    order.refresh_from_db()
    assert order.status == "completed" and order.completed_at and order.auto_confirm_at is None
    assert ledger_balance(kind=LedgerAccount.Kind.SHOP_PENDING, shop_id=shop.pk) == Decimal("89.99")
    assert ledger_balance(kind=LedgerAccount.Kind.PLATFORM_REVENUE) == Decimal("10.00")
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=shop.pk) == Decimal("33.33")  # the other order
    with pytest.raises(InvalidState):
        order_confirm_receipt(order_id=order.pk, actor=buyer)


def test_auto_confirm_when_the_clock_passes(settings):
    settings.ORDER_AUTO_CONFIRM_DAYS = 10
    shipped_at = timezone.now() - timedelta(days=11)
    due = placed_shipped(UserFactory(), SkuFactory(), now=shipped_at)
    not_due = placed_shipped(UserFactory(), SkuFactory())

    assert orders_auto_confirm_task.delay().get() == 1
    assert orders_auto_confirm_due() == 0  # idempotent

    due.refresh_from_db(), not_due.refresh_from_db()
    assert (due.status, not_due.status) == ("completed", "shipped")
    assert OrderEvent.objects.get(order=due, type="receipt_confirmed").data["auto"] is True
    assert orders_auto_confirm_due(now=timezone.now() + timedelta(days=10, minutes=1)) == 1
