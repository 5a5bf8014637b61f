from decimal import Decimal

import pytest
from django.db.models import Sum

from orders.services.lifecycle import order_confirm_receipt
from orders.services.refunds import refund_request_accept, refund_request_create
from orders.tests.helpers import pay, place, placed_shipped
from payments.errors import LedgerUnbalanced
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction
from payments.services import escrow_release, ledger_accounts_get, ledger_transaction_post
from tests.factories import ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_every_transaction_of_a_full_order_story_sums_to_zero(django_capture_on_commit_callbacks):
    buyer = UserFactory()
    orders = place(buyer, {sku_in_shop(ShopFactory(), price="28.00"): 3, sku_in_shop(ShopFactory(), price="9.99"): 1})
    pay(orders[0])
    shipped = placed_shipped(buyer, SkuFactory(price=Decimal("77.70")))
    order_confirm_receipt(order_id=shipped.pk, actor=buyer)
    request = refund_request_create(order_id=orders[1].pk, buyer=buyer, reason="x", amount="5.00")
    with django_capture_on_commit_callbacks(execute=True):
        refund_request_accept(refund_request_id=request.pk, actor=orders[1].shop.owner)

    kinds = set(LedgerTransaction.objects.values_list("kind", flat=True))
    assert kinds == {"payment_captured", "receipt_confirmed", "refund"}
    for ledger_tx in LedgerTransaction.objects.all():
        assert ledger_tx.entries.aggregate(s=Sum("amount_fen"))["s"] == 0, ledger_tx
    assert LedgerEntry.objects.aggregate(s=Sum("amount_fen"))["s"] == 0


def test_an_unbalanced_transaction_is_refused_and_nothing_is_written():
    accounts = ledger_accounts_get(keys=[("buyer_clearing", None), ("refunds", None)], currency="CNY")
    with pytest.raises(LedgerUnbalanced):
        ledger_transaction_post(
            kind="refund",
            key="bad",
            currency="CNY",
            entries=[(accounts[("buyer_clearing", None)], -100), (accounts[("refunds", None)], 99)],
        )
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()


def test_a_movement_is_posted_once_per_key():
    shop = ShopFactory()
    for _ in range(2):
        escrow_release(
            shop_id=shop.pk,
            reference="2026112100000001",
            amount=Decimal("10.00"),
            commission=Decimal("0.50"),
            currency="CNY",
        )
    assert LedgerTransaction.objects.count() == 1
    assert sorted(LedgerEntry.objects.values_list("amount_fen", flat=True)) == [-1000, 50, 950]


def test_entries_are_append_only():
    shop = ShopFactory()
    escrow_release(shop_id=shop.pk, reference="r", amount=Decimal("1.00"), commission=Decimal("0"), currency="CNY")
    entry = LedgerEntry.objects.first()
    entry.amount_fen = 5
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert LedgerAccount.objects.filter(kind="shop_pending", shop=shop).count() == 1
