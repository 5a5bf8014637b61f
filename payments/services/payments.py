"""Payments: created at checkout, approved at the provider, confirmed by its signed notification."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidState
from payments.errors import NotificationRejected
from payments.models import LateCapture, Payment, PaymentAllocation, ProviderEvent, Refund
from payments.providers import ProviderNotification, provider_get
from payments.providers.sandbox import SandboxProvider
from payments.services.ledger import ledger_payment_captured, ledger_refund
from payments.services.refunds import refund_create_unpaid_reference
from payments.signals import payment_event_confirmed, payment_expired

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AllocationSpec:
    shop_id: int
    reference: str
    amount: Decimal


def payment_prepare(
    *,
    buyer,
    allocations: list[AllocationSpec],
    currency: str = "CNY",
    provider: str = "",
    return_url: str = "",
    expires_at: datetime | None = None,
) -> tuple[Payment, list[PaymentAllocation]]:
    """What `payment_create` writes, unsaved: the payment and its allocations (each pointing at it). For a
    caller that writes them in its own statement (orders' checkout fast path, bench B1); `payment_create`
    is the ordinary way."""
    provider = provider or settings.PAYMENT_PROVIDER
    provider_get(provider)  # unknown providers fail here, not at the pay page
    payment = Payment(
        buyer=buyer,
        provider=provider,
        currency=currency,
        return_url=return_url[:300],
        expires_at=expires_at,
        amount=sum((a.amount for a in allocations), Decimal("0.00")),
        reference=" ".join(a.reference for a in allocations)[:1000],
    )
    rows = [
        PaymentAllocation(payment=payment, shop_id=a.shop_id, reference=a.reference, amount=a.amount)
        for a in allocations
    ]
    return payment, rows


@transaction.atomic(savepoint=False)  # part of the caller's checkout: it fails or commits with it
def payment_create(*, buyer, allocations: list[AllocationSpec], **options: Any) -> Payment:
    """One payment for several references, payable until `expires_at`. Two INSERTs whatever the number
    of allocations. `options`: payment_prepare's currency, provider, return_url and expires_at."""
    payment, rows = payment_prepare(buyer=buyer, allocations=allocations, **options)
    payment.save(force_insert=True)
    PaymentAllocation.objects.bulk_create(rows)  # each row's payment_id from the saved payment
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


def payment_allocation_lower(*, payment_id: int, reference: str, amount: Decimal) -> Payment:
    """The seller lowered an unpaid order's price (改价): its allocation, and the payment, ask for less. A
    capture of the old amount no longer matches (NotificationRejected: nothing written)."""
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != Payment.Status.PENDING:
        raise InvalidState(_("This payment can no longer change."))
    allocation = payment.allocations.get(reference=reference, voided_at__isnull=True)
    if not Decimal("0") < amount < allocation.amount:
        raise ValueError(f"A lowered amount is above zero and below {allocation.amount}, not {amount}.")
    allocation.amount = amount
    allocation.save(update_fields=["amount", "updated_at"])
    payment.amount = payment.allocations.filter(voided_at__isnull=True).aggregate(total=Sum("amount"))["total"]
    payment.save(update_fields=["amount", "updated_at"])
    return payment


def _deadline_passed(payment: Payment, at: datetime) -> bool:
    return payment.expires_at is not None and at > payment.expires_at


def _payment_close_expired(*, payment: Payment, now: datetime) -> None:
    """The payment (locked, pending) is past its deadline: higher apps cancel its references
    (payment_expired, which voids their allocations); whatever is still live is voided here."""
    references = list(payment.allocations.filter(voided_at__isnull=True).values_list("reference", flat=True))
    payment_expired.send(sender=Payment, payment_id=payment.pk, references=references)
    payment.refresh_from_db()
    if payment.status == Payment.Status.PENDING:
        PaymentAllocation.objects.filter(payment=payment, voided_at__isnull=True).update(voided_at=now, updated_at=now)
        payment.amount, payment.status, payment.cancelled_at = Decimal("0.00"), Payment.Status.CANCELLED, now
        payment.save(update_fields=["amount", "status", "cancelled_at", "updated_at"])


@transaction.atomic
def payment_expire(*, payment_id: int, now: datetime | None = None) -> bool:
    """Closes a pending payment whose deadline has passed (its orders are cancelled, their stock released).
    True if it closed it now."""
    now = now or timezone.now()
    payment = Payment.objects.select_for_update().get(pk=payment_id)
    if payment.status != Payment.Status.PENDING or not _deadline_passed(payment, now):
        return False
    _payment_close_expired(payment=payment, now=now)
    return True


def payment_sandbox_approve(*, payment: Payment) -> Payment:
    """The buyer approved on the sandbox page: the provider sends us its signed notification.

    In-process, but the body is built and signed exactly as the provider's servers would, and goes
    through the same verification as the HTTP endpoint. Past the payment deadline the payment is closed
    instead (as the provider would refuse an expired trade) and the buyer is told so.
    """
    if payment.provider != SandboxProvider.name:
        raise InvalidState(_("This payment is not handled by the sandbox."))
    if payment_expire(payment_id=payment.pk):
        raise InvalidState(_("The payment deadline has passed: the order was cancelled and nothing was charged."))
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
    """A capture. The references still payable are paid; money captured for a reference that can no
    longer be paid (cancelled before the capture, or a capture after the payment deadline) is recorded
    as a LateCapture and refunded through the provider at once.

    The provider may capture what the buyer approved before an order of the payment was cancelled: the
    amount is either what the payment asks for now, or what it asked for before cancellations.
    """
    now = timezone.now()
    if payment.status == Payment.Status.SUCCEEDED:
        if note.currency != payment.currency or note.amount != payment.amount:
            raise NotificationRejected(_("The amount or currency does not match the payment."))
        return _event_record(provider_name=provider_name, payment=payment, note=note)  # a second success: no-op
    allocations = list(payment.allocations.order_by("id"))
    live = [a for a in allocations if a.voided_at is None]
    live_total = sum((a.amount for a in live), Decimal("0.00"))
    if note.currency != payment.currency:
        raise NotificationRejected(_("The amount or currency does not match the payment."))
    if live and note.amount == live_total:
        paid_for = live
    elif note.amount == sum((a.amount for a in allocations), Decimal("0.00")) and note.amount > 0:
        paid_for = allocations
    elif not live:
        raise NotificationRejected(_("This payment was closed."))
    else:
        raise NotificationRejected(_("The amount or currency does not match the payment."))
    event = _event_record(provider_name=provider_name, payment=payment, note=note)
    if event is None:
        return None  # a twin notification recorded it first
    captured_at = datetime.fromtimestamp(note.created, tz=UTC) if note.created else now
    expired = payment.status == Payment.Status.PENDING and _deadline_passed(payment, min(captured_at, now))
    if expired:
        _payment_close_expired(payment=payment, now=now)
    voided = set(payment.allocations.filter(voided_at__isnull=False).values_list("id", flat=True))
    kept = [a for a in paid_for if a.pk not in voided]
    late = [a for a in paid_for if a.pk in voided]
    payment.status, payment.succeeded_at, payment.amount = Payment.Status.SUCCEEDED, now, note.amount
    payment.save(update_fields=["status", "succeeded_at", "amount", "updated_at"])
    ledger_payment_captured(payment=payment, allocations=paid_for)  # late money too: it leaves by its refund
    for allocation in late:
        logger.warning(
            "Payment %s captured %s for %s, which can no longer be paid", payment.pk, note.amount, allocation.reference
        )
        LateCapture.objects.create(
            payment=payment,
            event=event,
            shop_id=allocation.shop_id,
            reference=allocation.reference,
            amount=allocation.amount,
            currency=payment.currency,
            cause=LateCapture.Cause.EXPIRED if expired else LateCapture.Cause.VOIDED,
            refund=refund_create_unpaid_reference(
                payment=payment, shop_id=allocation.shop_id, reference=allocation.reference, amount=allocation.amount
            ),
        )
    if kept:
        payment_event_confirmed.send(
            sender=Payment,
            event_type=note.type,
            payment_id=payment.pk,
            references=[a.reference for a in kept],
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
