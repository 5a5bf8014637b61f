"""Refunds: never more than was paid for a reference, checked under the payment's row lock.

A refund is `pending` until the provider confirms it (`succeeded`) or refuses it (`failed`, with the
provider's reason). It is submitted after commit; the sweep (`refunds_resubmit_stuck`, every two
minutes from beat) submits again any pending refund that was never sent (the broker was down) or never
confirmed, and marks failed the ones the provider ignored REFUND_MAX_ATTEMPTS times, so that an
operator sees them (Django admin, refunds filtered by status) and sends them again (`refund_retry`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidState
from common.sweeps import overdue_enqueue, overdue_sweep
from common.tasks import enqueue_on_commit
from payments.errors import NotRefundable, RefundDeclined, RefundTooLarge
from payments.models import Payment, PaymentAllocation, Refund
from payments.providers import provider_get

logger = logging.getLogger(__name__)
RESUBMIT_AFTER = timedelta(minutes=10)  # longer than the task's own retries take to give up
NEVER_SENT_AFTER = timedelta(minutes=2)  # the after-commit enqueue had its chance
SWEEP_BATCH = 500
# Reference prefixes that are never refunded, declared by higher apps in their AppConfig.ready() (tips: "TIP-").
_NOT_REFUNDABLE: set[str] = set()


def references_not_refundable(prefix: str) -> None:
    """References starting with `prefix` are never refunded through `refund_create` (a late capture's money
    still goes back: refund_create_unpaid_reference)."""
    _NOT_REFUNDABLE.add(prefix)


def reference_refundable(reference: str) -> bool:
    return not reference.startswith(tuple(_NOT_REFUNDABLE))


def _submit_on_commit(refund: Refund) -> None:
    from payments.tasks import refund_submit_task

    enqueue_on_commit(refund_submit_task, refund.pk)


@transaction.atomic
def refund_create(*, payment_id: int, reference: str, amount: Decimal, reason: str = "") -> Refund:
    """Records a refund and submits it to the provider after commit; the provider's notification completes it."""
    if not reference_refundable(reference):
        raise NotRefundable()
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != Payment.Status.SUCCEEDED:
        raise InvalidState(_("Only a captured payment can be refunded."))
    allocation = PaymentAllocation.objects.filter(payment=payment, reference=reference, voided_at__isnull=True).first()
    if allocation is None:
        raise InvalidState(_("This payment did not pay for %(ref)s.") % {"ref": reference})
    # A failed refund still counts: an operator sends it again, it is never replaced by another.
    refunded = Refund.objects.filter(payment=payment, reference=reference).aggregate(s=Sum("amount"))["s"]
    if amount <= 0 or (refunded or Decimal("0")) + amount > allocation.amount:
        raise RefundTooLarge()
    refund = Refund.objects.create(
        payment=payment,
        shop_id=allocation.shop_id,
        reference=reference,
        amount=amount,
        currency=payment.currency,
        reason=reason[:300],
    )
    _submit_on_commit(refund)
    return refund


@transaction.atomic(savepoint=False)  # part of the caller's capture: it commits or rolls back with it
def refund_create_unpaid_reference(*, payment: Payment, shop_id: int, reference: str, amount: Decimal) -> Refund:
    """All of a late capture goes back (payments' own use: see payments.services.payments)."""
    refund = Refund.objects.create(
        payment=payment,
        shop_id=shop_id,
        reference=reference,
        amount=amount,
        currency=payment.currency,
        reason="late capture",
    )
    _submit_on_commit(refund)
    return refund


def refund_submit(*, refund_id: int, now: datetime | None = None) -> str:
    """Sends a pending refund to the provider (again). Idempotent: a refund that is no longer pending is
    not sent, and the provider keys refunds by our id, so a second submission refunds nothing twice.

    The attempt is counted in its own commit before the network call. A refusal marks the refund failed
    with the provider's reason; a transient error (network, database) is raised for the task to retry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment__buyer").filter(pk=refund_id).first()
        if refund is None or refund.status != Refund.Status.PENDING:
            return refund.status if refund else "missing"
        refund.attempts += 1
        refund.submitted_at = now
        refund.save(update_fields=["attempts", "submitted_at", "updated_at"])
    try:
        provider_get(refund.payment.provider).refund_submit(refund=refund)
    except RefundDeclined as exc:
        refund_fail(refund_id=refund_id, reason=exc.reason)
        return Refund.Status.FAILED
    return Refund.objects.filter(pk=refund_id).values_list("status", flat=True).get()


@transaction.atomic
def refund_fail(*, refund_id: int, reason: str, now: datetime | None = None) -> Refund:
    """The provider refused (or never answered): the refund waits for an operator. The money stays in
    escrow, and the order's refund request stays accepted (so receipt is not confirmed for it)."""
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    refund.status, refund.failed_at = Refund.Status.FAILED, now or timezone.now()
    refund.failure_reason = (reason or _("The provider refused the refund."))[:300]
    refund.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
    logger.error("Refund %s for %s failed: %s", refund.pk, refund.reference, refund.failure_reason)
    return refund


@transaction.atomic
def refund_retry(*, refund_id: int, actor, reason: str = "") -> Refund:
    """An operator sends a failed refund again (after fixing what the provider complained about)."""
    from accounts.services import operator_action_record

    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status != Refund.Status.FAILED:
        raise InvalidState(_("Only a failed refund can be sent again."))
    previous = refund.failure_reason
    refund.status, refund.attempts, refund.failed_at, refund.failure_reason = Refund.Status.PENDING, 0, None, ""
    refund.save(update_fields=["status", "attempts", "failed_at", "failure_reason", "updated_at"])
    operator_action_record(actor=actor, action="refund_retry", obj=refund, reason=reason, previous_failure=previous)
    _submit_on_commit(refund)
    return refund


def refunds_resubmit_stuck(*, now: datetime | None = None) -> dict[str, int]:
    """The sweep: queues every pending refund that was never sent or not confirmed within RESUBMIT_AFTER,
    and marks failed those submitted REFUND_MAX_ATTEMPTS times without an answer. Idempotent."""
    from payments.tasks import refund_submit_task

    now = now or timezone.now()
    stuck = Refund.objects.filter(status=Refund.Status.PENDING).filter(
        Q(submitted_at__isnull=True, created_at__lte=now - NEVER_SENT_AFTER) | Q(submitted_at__lte=now - RESUBMIT_AFTER)
    )
    reason = _("The provider did not confirm the refund after %(n)d attempts.") % {"n": settings.REFUND_MAX_ATTEMPTS}
    given_up = overdue_sweep(
        stuck.filter(attempts__gte=settings.REFUND_MAX_ATTEMPTS),
        lambda refund_id: refund_fail(refund_id=refund_id, reason=reason, now=now),
        limit=SWEEP_BATCH,
    )
    queued = overdue_enqueue(
        stuck.filter(attempts__lt=settings.REFUND_MAX_ATTEMPTS), refund_submit_task, limit=SWEEP_BATCH
    )
    return {"queued": queued, "failed": given_up}
