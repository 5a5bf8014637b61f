"""改价: only down, only unpaid, at most three times; the payment follows and the old amount is refused."""

import json
import time
from decimal import Decimal

import pytest

from common.errors import InvalidState, ValidationFailed
from orders.models import Order, OrderEvent
from orders.services.checkout import checkout_place
from orders.services.price_changes import order_price_lower
from payments.models import Payment, ProviderEvent
from payments.providers.sandbox import signature_header
from tests.factories import ADDRESS, SkuFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    sku = SkuFactory(price=Decimal("60.00"), stock=10)
    result = checkout_place(buyer=UserFactory(), address=ADDRESS, items=[{"sku": sku.pk, "quantity": 2}])
    return result.orders[0]


def test_lowering_an_unpaid_orders_price_lowers_its_payment_and_records_it(order):
    seller = order.shop.owner

    order_price_lower(order_id=order.pk, actor=seller, total="100.00")

    order.refresh_from_db()
    assert (order.total, order.price_changes) == (Decimal("100.00"), 1)
    assert Payment.objects.get(pk=order.payment_id).amount == Decimal("100.00")
    event = OrderEvent.objects.get(order=order, type="price_changed")
    assert event.data == {"previous": "120.00", "total": "100.00"}


@pytest.mark.parametrize("total", ["120.00", "130", "0", "-5", "99.999", "abc", None, True])
def test_only_a_lower_positive_amount_is_taken_and_nothing_changes_otherwise(order, total):
    with pytest.raises(ValidationFailed) as refused:
        order_price_lower(order_id=order.pk, actor=order.shop.owner, total=total)

    assert "total" in refused.value.fields
    order.refresh_from_db()
    assert order.total == Decimal("120.00") and order.price_changes == 0


def test_at_most_three_changes(order):
    for total in ("110.00", "100.00", "90.00"):
        order_price_lower(order_id=order.pk, actor=order.shop.owner, total=total)

    with pytest.raises(InvalidState):
        order_price_lower(order_id=order.pk, actor=order.shop.owner, total="80.00")
    assert Order.objects.get(pk=order.pk).total == Decimal("90.00")


def test_a_paid_order_keeps_its_price(order):
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID)

    with pytest.raises(InvalidState):
        order_price_lower(order_id=order.pk, actor=order.shop.owner, total="100.00")


def test_the_providers_notification_for_the_old_amount_is_refused_and_the_new_one_pays(order, api_client, settings):
    order_price_lower(order_id=order.pk, actor=order.shop.owner, total="100.00")

    def notify(amount: str, event_id: str):
        body = json.dumps(
            {
                "event_id": event_id,
                "type": "payment.succeeded",
                "payment_id": order.payment_id,
                "amount": amount,
                "currency": "CNY",
                "created": int(time.time()),
            }
        ).encode()
        header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))
        return api_client.post(
            "/api/v1/payments/notify/sandbox/",
            data=body,
            content_type="application/json",
            HTTP_X_SANDBOX_SIGNATURE=header,
        )

    assert notify("120.00", "evt_old").status_code == 400
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.PENDING
    assert not ProviderEvent.objects.exists()
    assert notify("100.00", "evt_new").status_code == 200
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
