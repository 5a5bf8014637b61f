"""Payments: created at checkout, approved at the provider, confirmed by its signed notification."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidState
from payments.errors import NotificationRejected
from payments.models import Payment, PaymentAllocation, ProviderEvent, Refund
from payments.providers import ProviderNotification, provider_get
from payments.providers.sandbox import SandboxProvider
from payments.services.ledger import ledger_payment_captured, ledger_refund
from payments.signals import payment_event_confirmed

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AllocationSpec:
    shop_id: int
    reference: str
    amount: Decimal


@transaction.atomic(savepoint=False)  # part of the caller's checkout: it fails or commits with it
def payment_create(
    *, buyer, allocations: list[AllocationSpec], currency: str = "CNY", provider: str = "", return_url: str = ""
) -> Payment:
    """One payment for several references. Two INSERTs whatever the number of allocations."""
    provider = provider or settings.PAYMENT_PROVIDER
    provider_get(provider)  # unknown providers fail here, not at the pay page
    payment = Payment.objects.create(
        buyer=buyer,
        provider=provider,
        currency=currency,
        return_url=return_url[:300],
        amount=sum((a.amount for a in allocations), Decimal("0.00")),
        reference=" ".join(a.reference for a in allocations)[:1000],
    )
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(payment=payment, shop_id=a.shop_id, reference=a.reference, amount=a.amount)
            for a in allocations
        ]
    )
    return payment


def payment_pay_url(*, payment: Payment) -> str:
    return provider_get(payment.provider).pay_url(payment)


@transaction.atomic
def payment_allocation_void(*, payment_id: int, reference: str) -> Payment:
    """A reference was cancelled before payment: the payment now asks for less; with nothing left it closes."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != Payment.Status.PENDING:
        raise InvalidState(_("This payment can no longer change."))
    now = timezone.now()
    PaymentAllocation.objects.filter(payment=payment, reference=reference, voided_at__isnull=True).update(
        voided_at=now, updated_at=now
    )
    live = payment.allocations.filter(voided_at__isnull=True).aggregate(total=Sum("amount"))["total"]
    payment.amount = live or Decimal("0.00")
    fields = ["amount", "updated_at"]
    if live is None:
        payment.status, payment.cancelled_at = Payment.Status.CANCELLED, now
        fields += ["status", "cancelled_at"]
    payment.save(update_fields=fields)
    return payment


def payment_sandbox_approve(*, payment: Payment) -> Payment:
    """The buyer approved on the sandbox page: the provider sends us its signed notification.

    In-process, but the body is built and signed exactly as the provider's servers would, and goes
    through the same verification as the HTTP endpoint.
    """
    if payment.provider != SandboxProvider.name:
        raise InvalidState(_("This payment is not handled by the sandbox."))
    if payment.status != Payment.Status.PENDING:
        raise InvalidState(_("This payment is already paid or closed."))
    provider = SandboxProvider()
    body, headers = provider.notification_build(
        type="payment.succeeded", payment_id=payment.pk, amount=payment.amount, currency=payment.currency
    )
    payment_notification_receive(provider_name=provider.name, body=body, headers=headers)
    payment.refresh_from_db()
    return payment


def payment_notification_receive(
    *, provider_name: str, body: bytes, headers: Mapping[str, str], now: float | None = None
) -> ProviderEvent | None:
    """Verifies and applies a provider notification. Returns None for a replayed event (a no-op).

    A bad or stale signature, an unknown payment, or an amount or currency that does not match raise
    before anything is written.
    """
    provider = provider_get(provider_name)
    note = provider.notification_verify(body=body, headers=headers, now=time.time() if now is None else now)
    if ProviderEvent.objects.filter(provider=provider_name, event_id=note.event_id).exists():
        return None
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(pk=note.payment_id).first()
        if payment is None:
            raise NotificationRejected(_("Unknown payment."))
        if note.type == "payment.succeeded":
            return _payment_succeeded(provider_name=provider_name, payment=payment, note=note)
        return _refund_succeeded(provider_name=provider_name, payment=payment, note=note)


def _event_record(*, provider_name: str, payment: Payment, note: ProviderNotification) -> ProviderEvent | None:
    """Records the event once; None if a twin notification recorded it first."""
    try:
        with transaction.atomic():
            return ProviderEvent.objects.create(
                provider=provider_name, event_id=note.event_id, type=note.type, payment=payment, payload=note.payload
            )
    except IntegrityError:
        return None


def _payment_succeeded(*, provider_name: str, payment: Payment, note: ProviderNotification) -> ProviderEvent | None:
    if note.currency != payment.currency or note.amount != payment.amount:
        raise NotificationRejected(_("The amount or currency does not match the payment."))
    if payment.status == Payment.Status.CANCELLED:
        # The amount of a closed payment is 0, so this is unreachable unless a provider captures a closed
        # trade; an operator must refund it by hand.
        logger.error("Payment %s captured after it was closed", payment.pk)
        raise NotificationRejected(_("This payment was closed."))
    event = _event_record(provider_name=provider_name, payment=payment, note=note)
    if event is None or payment.status == Payment.Status.SUCCEEDED:
        return event  # a second success for a paid payment changes nothing
    payment.status, payment.succeeded_at = Payment.Status.SUCCEEDED, timezone.now()
    payment.save(update_fields=["status", "succeeded_at", "updated_at"])
    allocations = list(payment.allocations.filter(voided_at__isnull=True))
    ledger_payment_captured(payment=payment, allocations=allocations)
    payment_event_confirmed.send(
        sender=Payment,
        event_type=note.type,
        payment_id=payment.pk,
        references=[a.reference for a in allocations],
        refund_id=None,
    )
    return event


def _refund_succeeded(*, provider_name: str, payment: Payment, note: ProviderNotification) -> ProviderEvent | None:
    refund = Refund.objects.select_for_update().filter(pk=note.refund_id, payment=payment).first()
    if refund is None:
        raise NotificationRejected(_("Unknown refund."))
    if note.currency != refund.currency or note.amount != refund.amount:
        raise NotificationRejected(_("The amount or currency does not match the refund."))
    event = _event_record(provider_name=provider_name, payment=payment, note=note)
    if event is None or refund.status == Refund.Status.SUCCEEDED:
        return event
    refund.status, refund.succeeded_at = Refund.Status.SUCCEEDED, timezone.now()
    refund.save(update_fields=["status", "succeeded_at", "updated_at"])
    ledger_refund(refund=refund)
    payment_event_confirmed.send(
        sender=Payment, event_type=note.type, payment_id=payment.pk, references=[refund.reference], refund_id=refund.pk
    )
    return event
