"""Refunds: never more than was paid for a reference, checked under the payment's row lock."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from common.errors import InvalidState
from payments.errors import RefundTooLarge
from payments.models import Payment, PaymentAllocation, Refund
from payments.providers import provider_get


@transaction.atomic
def refund_create(*, payment_id: int, reference: str, amount: Decimal, reason: str = "") -> Refund:
    """Records a refund and submits it to the provider after commit; the provider's notification completes it."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != Payment.Status.SUCCEEDED:
        raise InvalidState(_("Only a captured payment can be refunded."))
    allocation = PaymentAllocation.objects.filter(payment=payment, reference=reference, voided_at__isnull=True).first()
    if allocation is None:
        raise InvalidState(_("This payment did not pay for %(ref)s.") % {"ref": reference})
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
    from payments.tasks import refund_submit_task

    transaction.on_commit(lambda: refund_submit_task.delay(refund.pk))
    return refund


def refund_submit(*, refund_id: int) -> None:
    """Idempotent: a refund already completed is not sent again."""
    refund = Refund.objects.select_related("payment").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.PENDING:
        return
    provider_get(refund.payment.provider).refund_submit(refund=refund)
