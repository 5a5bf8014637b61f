import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from common.errors import DomainError, InvalidState, ValidationFailed
from orders.models import Order, OrderEvent, RefundRequest
from orders.services.lifecycle import order_confirm_receipt, orders_auto_confirm_due
from orders.services.refunds import (
    refund_request_accept,
    refund_request_create,
    refund_request_deny,
    refund_request_grant,
    refund_request_reject,
    refund_requests_escalate_overdue,
)
from orders.tasks import refund_requests_escalate_task
from orders.tests.helpers import place, placed_paid, placed_shipped
from payments.models import LedgerAccount, Refund
from payments.selectors import ledger_balance
from tests.factories import OperatorFactory, SkuFactory, UserFactory


@pytest.mark.django_db
def test_full_refund_of_an_unshipped_order_returns_the_stock(django_capture_on_commit_callbacks):
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    order = placed_paid(UserFactory(), sku, quantity=2)
    request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="下错单了")
    assert request.amount == Decimal("56.00")

    with django_capture_on_commit_callbacks(execute=True):  # the provider's refund notification
        refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner, note="好的")

    order.refresh_from_db(), request.refresh_from_db(), sku.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and request.status == RefundRequest.Status.REFUNDED
    assert sku.stock == 5
    assert Refund.objects.get(reference=order.number).status == Refund.Status.SUCCEEDED
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=order.shop_id) == Decimal("0.00")
    assert ledger_balance(kind=LedgerAccount.Kind.REFUNDS) == Decimal("56.00")
    assert list(OrderEvent.objects.filter(order=order).values_list("type", flat=True)) == [
        "placed",
        "paid",
        "refund_requested",
        "refund_accepted",
        "refunded",
    ]


@pytest.mark.django_db
def test_partial_refund_on_a_shipped_order_resumes_auto_confirm_and_settles_the_rest(
    settings, django_capture_on_commit_callbacks
):
    settings.PLATFORM_COMMISSION_RATE = Decimal("0.05")
    sku = SkuFactory(stock=5, price=Decimal("100.00"))
    shipped_at = timezone.now() - timedelta(days=4)
    order = placed_shipped(UserFactory(), sku, now=shipped_at)
    request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="一个坏了", amount="40.00")
    order.refresh_from_db()
    assert order.auto_confirm_at is None
    assert orders_auto_confirm_due(now=timezone.now() + timedelta(days=30)) == 0  # paused

    with django_capture_on_commit_callbacks(execute=True):
        refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)

    order.refresh_from_db()
    assert order.status == "shipped" and order.auto_confirm_at is not None
    assert timedelta(days=5, hours=23) < order.auto_confirm_at - timezone.now() <= timedelta(days=6)
    with pytest.raises(ValidationFailed):  # only 60.00 left
        refund_request_create(order_id=order.pk, buyer=order.buyer, reason="again", amount="60.01")
    order_confirm_receipt(order_id=order.pk, actor=order.buyer)
    assert ledger_balance(kind=LedgerAccount.Kind.SHOP_PENDING, shop_id=order.shop_id) == Decimal("57.00")
    assert ledger_balance(kind=LedgerAccount.Kind.PLATFORM_REVENUE) == Decimal("3.00")
    assert ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=order.shop_id) == Decimal("0.00")


@pytest.mark.django_db
def test_refund_rules():
    buyer, sku = UserFactory(), SkuFactory(price=Decimal("50.00"))
    unpaid = place(buyer, {sku: 1})[0]
    with pytest.raises(InvalidState):
        refund_request_create(order_id=unpaid.pk, buyer=buyer, reason="x")
    order = placed_paid(buyer, sku)
    for bad in ("0", "-1", "50.01", "1.001", "abc", 1.5):
        with pytest.raises(ValidationFailed):
            refund_request_create(order_id=order.pk, buyer=buyer, reason="x", amount=bad)
    refund_request_create(order_id=order.pk, buyer=buyer, reason="x", amount="10.00")
    with pytest.raises(InvalidState):  # one open request at a time
        refund_request_create(order_id=order.pk, buyer=buyer, reason="x", amount="10.00")
    with pytest.raises(InvalidState):  # the seller answers first
        from orders.services.lifecycle import order_ship

        order_ship(order_id=order.pk, actor=order.shop.owner, carrier="SF", tracking_number="SF123456")


@pytest.mark.django_db
def test_rejected_or_ignored_requests_go_to_an_operator_who_decides(settings, django_capture_on_commit_callbacks):
    settings.REFUND_RESPONSE_HOURS = 48
    operator = OperatorFactory()
    now = timezone.now()
    order = placed_shipped(UserFactory(), SkuFactory())
    rejected = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="not as described", now=now)
    with pytest.raises(ValidationFailed):  # a reason is needed to reject
        refund_request_reject(refund_request_id=rejected.pk, actor=order.shop.owner, note="")
    refund_request_reject(refund_request_id=rejected.pk, actor=order.shop.owner, note="It was fine")
    rejected.refresh_from_db()
    assert rejected.status == RefundRequest.Status.ESCALATED
    refund_request_deny(refund_request_id=rejected.pk, actor=operator, note="Photos show it is fine")
    order.refresh_from_db()
    assert order.status == "shipped" and order.auto_confirm_at is not None  # the clock runs again

    ignored_order = placed_shipped(UserFactory(), SkuFactory())
    ignored = refund_request_create(
        order_id=ignored_order.pk, buyer=ignored_order.buyer, reason="broken", now=now - timedelta(hours=49)
    )
    assert refund_requests_escalate_task.delay().get() == 1
    assert refund_requests_escalate_overdue() == 0
    ignored.refresh_from_db()
    assert ignored.status == RefundRequest.Status.ESCALATED
    with django_capture_on_commit_callbacks(execute=True):
        refund_request_grant(refund_request_id=ignored.pk, operator=operator, note="granted")
    ignored_order.refresh_from_db()
    assert ignored_order.status == Order.Status.REFUNDED


@pytest.mark.django_db(transaction=True)
def test_concurrent_partial_refunds_never_exceed_what_was_paid():
    # given a paid order of 100.00 and six buyers' tabs asking for 40.00 each at the same moment
    order = placed_paid(UserFactory(), SkuFactory(price=Decimal("100.00")))
    barrier, outcomes = threading.Barrier(6), []

    def ask_and_accept():
        try:
            barrier.wait()
            try:
                request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="x", amount="40.00")
                refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)
                outcomes.append("refunded")
            except DomainError as exc:
                outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask_and_accept) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    refunded = sum(r.amount for r in Refund.objects.filter(reference=order.number))
    assert refunded <= Decimal("100.00")
    assert outcomes.count("refunded") >= 1 and len(outcomes) == 6
    assert set(outcomes) <= {"refunded", "invalid_state", "validation_error"}
    # and sequential top-ups stop at exactly what was paid
    while True:
        try:
            request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="x", amount="40.00")
        except ValidationFailed:
            break
        refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)
    left = Decimal("100.00") - sum(r.amount for r in Refund.objects.filter(reference=order.number))
    request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="x")  # the rest
    assert request.amount == left
    refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)
    assert sum(r.amount for r in Refund.objects.filter(reference=order.number)) == Decimal("100.00")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
