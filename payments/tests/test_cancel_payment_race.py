"""Issue 17 item 3 on PostgreSQL with real threads: the buyer cancels while the provider's capture
arrives. Whichever wins the payment's row lock, no money is kept for a cancelled order: either the order
is paid (and the cancel refused), or it is cancelled and the capture is recorded and refunded."""

import json
import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from orders.models import Order
from orders.tests.helpers import place
from payments.models import LateCapture, LedgerAccount, Refund
from payments.providers.sandbox import signature_header
from payments.selectors import ledger_balance
from tests.factories import SkuFactory, UserFactory

ROUNDS = 6


@pytest.mark.django_db(transaction=True)
def test_cancel_and_capture_at_once_never_keep_money_for_a_cancelled_order():
    sku = SkuFactory(stock=100, price=Decimal("28.00"))
    outcomes = []
    for round_number in range(ROUNDS):
        buyer = UserFactory()
        order = place(buyer, {sku: 1})[0]
        body = json.dumps(
            {
                "event_id": f"evt_race_{round_number}",
                "type": "payment.succeeded",
                "payment_id": order.payment_id,
                "amount": "28.00",
                "currency": "CNY",
                "created": int(time.time()),
            }
        ).encode()
        header = signature_header(body=body, secret=settings.SANDBOX_PAYMENT_SECRET, timestamp=int(time.time()))
        barrier = threading.Barrier(2)
        answers = {}

        def cancel(order=order, buyer=buyer, barrier=barrier, answers=answers):
            client = APIClient()
            client.force_authenticate(buyer)
            try:
                barrier.wait(5)
                answers["cancel"] = client.post(f"/api/v1/orders/{order.number}/cancel/").status_code
            finally:
                connection.close()

        def capture(body=body, header=header, barrier=barrier, answers=answers):
            try:
                barrier.wait(5)
                answers["capture"] = (
                    APIClient()
                    .post(
                        "/api/v1/payments/notify/sandbox/",
                        data=body,
                        content_type="application/json",
                        HTTP_X_SANDBOX_SIGNATURE=header,
                    )
                    .status_code
                )
            finally:
                connection.close()

        threads = [threading.Thread(target=cancel), threading.Thread(target=capture)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        order.refresh_from_db()
        assert answers["capture"] == 200
        if order.status == Order.Status.PAID:
            assert answers["cancel"] == 409 and not LateCapture.objects.filter(reference=order.number).exists()
        else:
            assert order.status == Order.Status.CANCELLED and answers["cancel"] == 200
            late = LateCapture.objects.get(reference=order.number)
            assert late.refund.status == Refund.Status.SUCCEEDED and late.refund.amount == Decimal("28.00")
        outcomes.append(order.status)

    # the shop's escrow holds exactly the paid orders' money; everything else went back to the buyers
    paid = outcomes.count(Order.Status.PAID)
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=sku.product.shop_id) == Decimal("28.00") * paid
    assert ledger_balance(kind=LedgerAccount.Kind.REFUNDS) == Decimal("28.00") * (ROUNDS - paid)
