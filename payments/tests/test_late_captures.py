"""Issue 17 items 2 and 3: the payment deadline holds at the moment of payment, and money captured for
an order that can no longer be paid (cancelled first, or past its deadline) is recorded, queued for
operators and refunded through the provider automatically."""

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from orders.models import Order
from orders.services.lifecycle import order_cancel
from orders.tests.helpers import place
from payments.models import LateCapture, LedgerAccount, Payment, Refund
from payments.providers.sandbox import signature_header
from payments.selectors import ledger_balance
from tests.factories import ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db
NOTIFY = "/api/v1/payments/notify/sandbox/"


def capture(settings, payment, amount: str, *, event_id: str = "evt_late", created: int | None = None):
    """The provider's signed "payment.succeeded", as its servers would POST it."""
    body = json.dumps(
        {
            "event_id": event_id,
            "type": "payment.succeeded",
            "payment_id": payment.pk,
            "amount": amount,
            "currency": "CNY",
            "created": created or int(time.time()),
        }
    ).encode()
    header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))
    return APIClient().post(NOTIFY, data=body, content_type="application/json", HTTP_X_SANDBOX_SIGNATURE=header)


def test_a_capture_after_one_order_was_cancelled_pays_the_other_and_refunds_the_cancelled_one(
    settings, client, django_capture_on_commit_callbacks
):
    # given: one payment for two shops' orders; the buyer approved 28 + 89 at the provider, then
    # cancelled the stool in another tab before the capture arrived
    farm, workshop = ShopFactory(), ShopFactory()
    radish, stool = sku_in_shop(farm, price="28.00", stock=5), sku_in_shop(workshop, price="89.00", stock=5)
    orders = {o.shop_id: o for o in place(UserFactory(), {radish: 1, stool: 1})}
    order_cancel(order_id=orders[workshop.pk].pk, actor=orders[workshop.pk].buyer)
    payment = Payment.objects.get(pk=orders[farm.pk].payment_id)

    # when: the provider captures what the buyer approved
    with django_capture_on_commit_callbacks(execute=True):
        answer = capture(settings, payment, "117.00")

    # then: accepted (not a 400 the provider would retry for ever), the live order is paid, the
    # cancelled one stays cancelled, and its money is recorded and already back with the buyer
    assert answer.status_code == 200, answer.content
    paid, cancelled = Order.objects.get(pk=orders[farm.pk].pk), Order.objects.get(pk=orders[workshop.pk].pk)
    assert paid.status == Order.Status.PAID and cancelled.status == Order.Status.CANCELLED
    late = LateCapture.objects.get()
    assert (late.reference, late.amount, late.cause) == (cancelled.number, Decimal("89.00"), "voided")
    assert late.refund.status == Refund.Status.SUCCEEDED and late.refund.amount == Decimal("89.00")
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=workshop.pk) == Decimal("0.00")
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=farm.pk) == Decimal("28.00")
    assert ledger_balance(kind=LedgerAccount.Kind.REFUNDS) == Decimal("89.00")
    # the operators' queue
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    queue = client.get("/admin/payments/latecapture/")
    assert queue.status_code == 200 and cancelled.number in queue.text
    # a replay of the same event changes nothing (no second refund)
    assert capture(settings, payment, "117.00").status_code == 200
    assert Refund.objects.count() == 1


def test_a_capture_for_a_payment_closed_by_cancellation_is_refunded_whole(settings, django_capture_on_commit_callbacks):
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    order = place(UserFactory(), {sku: 2})[0]
    order_cancel(order_id=order.pk, actor=order.buyer)  # the payment closes (asks for 0.00)

    with django_capture_on_commit_callbacks(execute=True):
        answer = capture(settings, Payment.objects.get(pk=order.payment_id), "56.00")

    assert answer.status_code == 200, answer.content
    order.refresh_from_db(), sku.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and sku.stock == 5
    late = LateCapture.objects.get(reference=order.number)
    assert late.cause == "voided" and late.refund.status == Refund.Status.SUCCEEDED
    assert ledger_balance(kind=LedgerAccount.Kind.REFUNDS) == Decimal("56.00")


def test_paying_past_the_deadline_is_refused_and_the_stock_is_released_at_once():
    # given: an order whose 30 minutes ran out a minute ago, and no sweep has run (no worker)
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    buyer = UserFactory()
    order = place(buyer, {sku: 2}, now=timezone.now() - timedelta(minutes=31))[0]
    api = APIClient()
    api.force_authenticate(buyer)

    answer = api.post(f"/api/v1/payments/{order.payment_id}/sandbox-pay/")

    assert answer.status_code == 409 and answer.json()["error"]["code"] == "invalid_state"
    order.refresh_from_db(), sku.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and sku.stock == 5
    assert Payment.objects.get(pk=order.payment_id).status == Payment.Status.CANCELLED
    assert not Refund.objects.exists()  # nothing was charged


def test_a_capture_the_provider_made_after_the_deadline_is_refunded_and_the_order_cancelled(
    settings, django_capture_on_commit_callbacks
):
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    order = place(UserFactory(), {sku: 1}, now=timezone.now() - timedelta(minutes=40))[0]

    with django_capture_on_commit_callbacks(execute=True):
        answer = capture(settings, Payment.objects.get(pk=order.payment_id), "28.00")

    assert answer.status_code == 200, answer.content
    order.refresh_from_db(), sku.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and sku.stock == 5
    late = LateCapture.objects.get(reference=order.number)
    assert late.cause == "expired" and late.refund.status == Refund.Status.SUCCEEDED


def test_a_capture_made_in_time_but_delivered_late_still_pays(settings):
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    placed_at = timezone.now() - timedelta(minutes=31)
    order = place(UserFactory(), {sku: 1}, now=placed_at)[0]
    captured_at = int((placed_at + timedelta(minutes=29)).timestamp())  # the provider retried its notification

    assert capture(settings, Payment.objects.get(pk=order.payment_id), "28.00", created=captured_at).status_code == 200

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and not LateCapture.objects.exists()
