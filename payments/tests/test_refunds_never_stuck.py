"""Issue 17 item 1: a refund is never stuck. A broker that is down between the commit and the enqueue
costs nothing (the request answers, the sweep submits); the provider's refusal is a `failed` refund with
its reason that an operator sends again; transient errors other than OSError are retried."""

from datetime import timedelta
from decimal import Decimal

import pytest
from celery.exceptions import Retry
from django.db import OperationalError
from django.utils import timezone

from accounts.models import OperatorAction
from orders.models import Order, RefundRequest
from orders.services.refunds import refund_request_accept, refund_request_create
from orders.tests.helpers import placed_paid
from payments.models import Refund
from payments.providers import PROVIDERS
from payments.providers.sandbox import SandboxProvider
from payments.services.refunds import refunds_resubmit_stuck
from payments.tasks import refund_submit_task, refunds_sweep_task
from tests.broker import broker_unreachable
from tests.clients import client_for
from tests.factories import SkuFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_broker_down_between_commit_and_enqueue_answers_normally_and_the_sweep_submits_the_refund(
    django_capture_on_commit_callbacks,
):
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    order = placed_paid(UserFactory(), sku, quantity=2)
    request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="下错单了")

    # when: the seller accepts while the broker is down (the enqueue runs after the commit)
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        answer = client_for(order.shop.owner).post(
            f"/api/v1/seller/refund-requests/{request.pk}/accept/", {"note": "好的"}, format="json"
        )

    # then: the seller got a normal answer, and the refund waits, never sent, where the sweep finds it
    assert answer.status_code == 200, answer.content
    refund = Refund.objects.get(reference=order.number)
    assert refund.status == Refund.Status.PENDING and refund.submitted_at is None and refund.attempts == 0
    assert refunds_resubmit_stuck(now=timezone.now())["queued"] == 0  # the enqueue had its chance first

    with django_capture_on_commit_callbacks(execute=True):
        swept = refunds_resubmit_stuck(now=timezone.now() + timedelta(minutes=3))

    assert swept == {"queued": 1, "failed": 0}
    refund.refresh_from_db(), order.refresh_from_db(), sku.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.attempts == 1
    assert order.status == Order.Status.REFUNDED and sku.stock == 5
    assert RefundRequest.objects.get(pk=request.pk).status == RefundRequest.Status.REFUNDED


def test_the_provider_refusal_is_a_failed_refund_with_its_reason_that_an_operator_sends_again(
    settings, client, django_capture_on_commit_callbacks
):
    buyer = UserFactory(username="frozen-buyer")
    settings.SANDBOX_REFUND_FAIL_USERNAMES = [buyer.username]
    order = placed_paid(buyer, SkuFactory(stock=5), quantity=1)
    request = refund_request_create(order_id=order.pk, buyer=buyer, reason="不要了")

    with django_capture_on_commit_callbacks(execute=True):
        refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)

    refund = Refund.objects.get(reference=order.number)
    assert refund.status == Refund.Status.FAILED and "frozen" in refund.failure_reason and refund.failed_at
    # the operator's queue: failed refunds, with the provider's words
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)
    listed = client.get("/admin/payments/refund/?status__exact=failed")
    assert listed.status_code == 200 and order.number in listed.text and "frozen" in listed.text
    figures = {f["url"]: f["value"] for f in client.get("/admin/").context["dashboard"]}
    assert figures["payments/refund/?status__exact=failed"] == 1
    # not swept into "sent again" by itself: it waits for the operator
    assert refunds_resubmit_stuck(now=timezone.now() + timedelta(days=1)) == {"queued": 0, "failed": 0}

    settings.SANDBOX_REFUND_FAIL_USERNAMES = []  # the buyer's account is fixed
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/admin/payments/refund/",
            {"action": "send_again", "_selected_action": [refund.pk], "reason": "账户已解冻"},
        )

    assert sent.status_code == 302
    refund.refresh_from_db(), order.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and order.status == Order.Status.REFUNDED
    audit = OperatorAction.objects.get(action="refund_retry")
    assert audit.actor == operator and audit.reason == "账户已解冻"


class FlakyProvider(SandboxProvider):
    """A provider whose first two answers fail the way a database restart does (not an OSError)."""

    failures = 2

    def refund_submit(self, *, refund) -> None:
        if FlakyProvider.failures:
            FlakyProvider.failures -= 1
            raise OperationalError("server closed the connection unexpectedly")
        super().refund_submit(refund=refund)


def test_transient_errors_other_than_oserror_are_retried_with_bounded_backoff(monkeypatch):
    monkeypatch.setitem(PROVIDERS, "sandbox", FlakyProvider)
    FlakyProvider.failures = 1
    order = placed_paid(UserFactory(), SkuFactory(stock=5), quantity=1)
    request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="坏了")
    refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)  # on-commit never runs here
    refund = Refund.objects.get(reference=order.number)

    # a database hiccup inside the provider's call: the task asks Celery for a retry, within the bound
    with pytest.raises(Retry) as retried:
        refund_submit_task.apply(args=[refund.pk])
    assert isinstance(retried.value.exc, OperationalError)
    countdown = (
        (retried.value.when - timezone.now()).total_seconds()
        if hasattr(retried.value.when, "tzinfo")
        else retried.value.when
    )
    assert 0 <= countdown <= 300
    refund.refresh_from_db()
    assert refund.status == Refund.Status.PENDING and refund.attempts == 1

    # the worker runs the retry: done
    assert refund_submit_task.apply(args=[refund.pk]).get() == Refund.Status.SUCCEEDED
    refund.refresh_from_db(), order.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.attempts == 2 and order.status == Order.Status.REFUNDED


def test_a_refund_the_provider_never_confirms_is_marked_failed_for_an_operator(settings):
    settings.REFUND_MAX_ATTEMPTS = 3
    order = placed_paid(UserFactory(), SkuFactory(stock=5), quantity=1)
    request = refund_request_create(order_id=order.pk, buyer=order.buyer, reason="坏了")
    refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner)  # on-commit never runs here
    Refund.objects.filter(reference=order.number).update(attempts=3, submitted_at=timezone.now() - timedelta(hours=1))

    assert refunds_sweep_task.apply().get() == {"queued": 0, "failed": 1}

    refund = Refund.objects.get(reference=order.number)
    assert refund.status == Refund.Status.FAILED and "3" in refund.failure_reason  # in the site language
