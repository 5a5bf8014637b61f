"""A tip ("flowers"): a fixed amount a viewer sends to the shop of a live show, paid through the provider."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from live.models import Show
from payments.models import Payment
from shops.models import Shop

REFERENCE_PREFIX = "TIP-"


class Tip(models.Model):
    """pending (the payment is open) → paid (the provider's notification; posted to the shop's available
    balance less the tip commission) or failed (the payment deadline passed). Never refunded."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting payment")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Not paid")

    # No index of its own: the index on (show_id, status) leads with it.
    show = models.ForeignKey(
        Show, verbose_name=_("show"), on_delete=models.PROTECT, related_name="tips", db_index=False
    )
    # No index of its own: the index on (sender_id, created_at) leads with it.
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="tips_sent",
        db_index=False,
    )
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="tips")
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=10, decimal_places=2)
    # The platform's part, frozen when paid (TIP_COMMISSION_RATE then).
    commission = models.DecimalField(verbose_name=_("commission"), max_digits=10, decimal_places=2, default=0)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Its payment's allocation carries the reference `TIP-<id>` (Tip.reference).
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        ordering = ["-created_at", "-id"]
        indexes = [
            # the caps: a sender's tips per show and per day
            models.Index(fields=["sender", "created_at"], name="tips_sender_created"),
            models.Index(fields=["show", "status"], name="tips_show_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tip_amount_positive"),
            models.CheckConstraint(condition=Q(commission__gte=0), name="tip_commission_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ¥{self.amount} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk}"


def tip_id_from_reference(reference: str) -> int | None:
    """`TIP-12` → 12; None for anything else (an order number)."""
    if not reference.startswith(REFERENCE_PREFIX):
        return None
    digits = reference[len(REFERENCE_PREFIX) :]
    return int(digits) if digits.isdigit() else None
