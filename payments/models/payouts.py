"""Payouts: a batch per period, a payout per shop, the sandbox bank's transfers, where a shop is paid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shops.models import Shop


class PayoutBatch(models.Model):
    """One payout run for a period (e.g. a day). The unique period makes a second run a no-op."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved: paying")
        COMPLETED = "completed", _("Completed")

    period = models.DateField(verbose_name=_("period"), unique=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_APPROVAL, db_index=True
    )
    cutoff_at = models.DateTimeField(
        verbose_name=_("cutoff at"), help_text="Confirmed money up to this moment (less the hold) was settled."
    )
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(verbose_name=_("approved at"), null=True, blank=True)
    completed_at = models.DateTimeField(verbose_name=_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payout batch")
        ordering = ["-period"]
        verbose_name_plural = _("payout batches")

    def __str__(self) -> str:
        return _("Payouts %(period)s") % {"period": self.period}


class Payout(models.Model):
    """One shop's payout in a batch: its whole available balance, paid through the payout provider once."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        PROCESSING = "processing", _("Processing")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    # A batch writes 10,000 payouts at once: only the indexes something reads. (batch, shop) and
    # (shop, -created_at) below serve the lookups by batch and by shop; status and the idempotency key are
    # indexed in Meta without the LIKE-only twin index unique=True / db_index=True add on PostgreSQL.
    batch = models.ForeignKey(
        PayoutBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="payouts", db_index=False
    )
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="payouts", db_index=False
    )
    amount_fen = models.BigIntegerField(verbose_name=_("amount fen"))
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.AWAITING_APPROVAL
    )
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=80)
    provider_reference = models.CharField(verbose_name=_("provider reference"), max_length=80, blank=True)
    failure_reason = models.CharField(verbose_name=_("failure reason"), max_length=300, blank=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["batch_id", "shop_id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "shop"], name="payout_once_per_shop_per_batch"),
            models.UniqueConstraint(fields=["idempotency_key"], name="payout_idempotency_key_unique"),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="payout_amount_positive"),
        ]
        indexes = [models.Index(fields=["shop", "-created_at"]), models.Index(fields=["status"], name="payout_status")]

    def __str__(self) -> str:
        return _("Payout %(id)s to shop %(shop)s: %(amount).2f %(currency)s") % {
            "id": self.pk,
            "shop": self.shop_id,
            "amount": self.amount_fen / 100,
            "currency": self.currency,
        }


class SandboxTransfer(models.Model):
    """The sandbox payout provider's own books: one transfer per idempotency key, as a bank would keep."""

    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=80, unique=True)
    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(verbose_name=_("amount fen"))
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sandbox transfer")
        verbose_name_plural = _("sandbox transfers")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.idempotency_key}: {self.amount_fen}"


class PayoutAccount(models.Model):
    """Where a shop's payouts go: the owner's bank account, one per shop (the owner replaces it).

    The number is kept whole for the bank file and shown masked (`**** 1234`) everywhere else; every
    change e-mails the owner (`notified_at` is set once that e-mail went out).
    """

    class Kind(models.TextChoices):
        CARD = "card", _("Personal bank card")
        COMPANY = "company", _("Company bank account")

    shop = models.OneToOneField(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="payout_account")
    kind = models.CharField(_("account type"), max_length=10, choices=Kind.choices, default=Kind.CARD)
    holder_name = models.CharField(_("account holder"), max_length=60)
    bank_name = models.CharField(_("bank"), max_length=60)
    account_number = models.CharField(_("account number"), max_length=30)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified_at = models.DateTimeField(verbose_name=_("notified at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        ordering = ["shop_id"]
        verbose_name = _("payout bank account")
        verbose_name_plural = _("payout bank accounts")
        constraints = [
            models.CheckConstraint(
                condition=Q(account_number__regex=r"^[0-9]{8,30}$"), name="payout_account_number_digits"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name} · {self.bank_name} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        return f"**** {self.account_number[-4:]}"
