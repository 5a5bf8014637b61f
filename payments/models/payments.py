"""Payments through a provider, what each pays for, the provider's events, refunds and late captures."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shops.models import Shop


class Payment(models.Model):
    """One payment by one buyer covering one or more references (one allocation per shop order)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        SUCCEEDED = "succeeded", _("Paid")
        CANCELLED = "cancelled", _("Closed")

    # No index of its own: the Meta's (buyer, -created_at) leads with it.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("buyer"),
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
    )
    provider = models.CharField(verbose_name=_("provider"), max_length=20, default="sandbox")
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reference = models.CharField(
        verbose_name=_("reference"), max_length=1000, help_text="The order numbers this payment covers."
    )
    return_url = models.CharField(verbose_name=_("return url"), max_length=300, blank=True)
    # The payment deadline (Alipay's time_expire): after it the payment is refused, and a capture the
    # provider reports for a later moment is refunded (LateCapture).
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True)
    succeeded_at = models.DateTimeField(verbose_name=_("succeeded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(verbose_name=_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["buyer", "-created_at"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_non_negative")]

    def __str__(self) -> str:
        return _("Payment %(id)s (%(amount)s %(currency)s, %(status)s)") % {
            "id": self.pk,
            "amount": self.amount,
            "currency": self.currency,
            "status": self.get_status_display(),
        }


class PaymentAllocation(models.Model):
    """The part of a payment that belongs to one shop's order (`reference` = the order number)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="allocations"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="payment_allocations")
    reference = models.CharField(verbose_name=_("reference"), max_length=40)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    # the order was cancelled before payment
    voided_at = models.DateTimeField(verbose_name=_("voided at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="payment_allocation_reference_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_allocation_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.amount}"


class ProviderEvent(models.Model):
    """Every notification a provider sent us, once: a replayed event id is a no-op."""

    provider = models.CharField(verbose_name=_("provider"), max_length=20)
    event_id = models.CharField(verbose_name=_("event id"), max_length=100)
    type = models.CharField(verbose_name=_("type"), max_length=40)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="provider_events"
    )
    payload = models.JSONField(verbose_name=_("payload"))
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id} {self.type}"


class Refund(models.Model):
    """Money going back to the buyer for one reference, through the provider that took it.

    pending → succeeded (the provider's notification) or failed (the provider refused, with its reason,
    or never confirmed after REFUND_MAX_ATTEMPTS submissions); an operator sends a failed one again.
    A pending refund is submitted after commit and again by the sweep (refunds_resubmit_stuck) until
    the provider answers, so a lost enqueue never leaves it stuck.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="refunds")
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="refunds")
    reference = models.CharField(verbose_name=_("reference"), max_length=40, db_index=True)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    reason = models.CharField(verbose_name=_("reason"), max_length=300, blank=True)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)  # submissions to the provider
    # the last submission; None: never sent
    submitted_at = models.DateTimeField(verbose_name=_("submitted at"), null=True, blank=True)
    # the provider's words
    failure_reason = models.CharField(verbose_name=_("failure reason"), max_length=300, blank=True)
    failed_at = models.DateTimeField(verbose_name=_("failed at"), null=True, blank=True)
    succeeded_at = models.DateTimeField(verbose_name=_("succeeded at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return _("Refund %(id)s of %(amount)s for %(reference)s") % {
            "id": self.pk,
            "amount": self.amount,
            "reference": self.reference,
        }


class LateCapture(models.Model):
    """Money the provider captured for a reference that could no longer be paid: the order was cancelled
    before the capture (its allocation voided), or the capture came after the payment deadline.

    One row per reference, written with the capture's event; the money goes back by `refund`
    automatically, and operators watch this queue (Django admin) until every refund succeeded.
    """

    class Cause(models.TextChoices):
        VOIDED = "voided", _("Order cancelled before the payment arrived")
        EXPIRED = "expired", _("Paid after the payment deadline")

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="late_captures"
    )
    event = models.ForeignKey(
        ProviderEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="late_captures"
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(verbose_name=_("reference"), max_length=40)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    cause = models.CharField(verbose_name=_("cause"), max_length=10, choices=Cause.choices)
    refund = models.OneToOneField(
        Refund, verbose_name=_("refund"), on_delete=models.PROTECT, related_name="late_capture"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("late capture")
        verbose_name_plural = _("late captures")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["reference"], name="late_capture_once_per_reference")]

    def __str__(self) -> str:
        return _("Late capture of %(amount)s %(currency)s for %(reference)s") % {
            "amount": self.amount,
            "currency": self.currency,
            "reference": self.reference,
        }
