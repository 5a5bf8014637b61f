"""Money held by the platform: payments and refunds through a provider, and the double-entry ledger.

`payments` knows shops and references (order numbers), never orders: a higher app passes in what
it needs and hears back through `payments.signals`.
"""

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

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="payments"
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


class LedgerAccount(models.Model):
    """Where money sits. A balance is the sum of its entries, never a stored counter."""

    class Kind(models.TextChoices):
        BUYER_CLEARING = "buyer_clearing", _("Buyer payments clearing")
        ESCROW = "escrow", _("Escrow held for shop")
        SHOP_PENDING = "shop_pending", _("Shop pending balance")
        SHOP_AVAILABLE = "shop_available", _("Shop available balance")
        SHOP_IN_TRANSIT = "shop_in_transit", _("Shop payout in transit")
        SHOP_PAID_OUT = "shop_paid_out", _("Paid out to the shop's bank")
        PLATFORM_REVENUE = "platform_revenue", _("Platform commission revenue")
        REFUNDS = "refunds", _("Refunds to buyers")

    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    shop = models.ForeignKey(
        Shop, verbose_name=_("shop"), null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        ordering = ["kind", "shop_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "shop", "currency"],
                condition=Q(shop__isnull=False),
                name="ledger_account_unique_per_shop",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"], condition=Q(shop__isnull=True), name="ledger_account_unique_platform"
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["escrow", "shop_pending", "shop_available", "shop_in_transit", "shop_paid_out"],
                        shop__isnull=False,
                    )
                    | Q(kind__in=["buyer_clearing", "platform_revenue", "refunds"], shop__isnull=True)
                ),
                name="ledger_account_shop_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{f' · {self.shop}' if self.shop_id else ''} ({self.currency})"


class LedgerTransaction(models.Model):
    """One movement of money; its entries sum to zero. `key` makes each movement happen once."""

    class Kind(models.TextChoices):
        PAYMENT_CAPTURED = "payment_captured", _("Payment captured into escrow")
        RECEIPT_CONFIRMED = "receipt_confirmed", _("Escrow released on receipt")
        REFUND = "refund", _("Refund to buyer")
        SETTLEMENT = "settlement", _("Settled: pending → available")
        CLAWBACK = "clawback", _("Clawback for a refund after settlement")
        PAYOUT_STARTED = "payout_started", _("Payout started")
        PAYOUT_PAID = "payout_paid", _("Payout paid")
        PAYOUT_FAILED = "payout_failed", _("Payout failed: back to available")

    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(verbose_name=_("key"), max_length=80)  # unique: Meta.constraints
    reference = models.CharField(verbose_name=_("reference"), max_length=1000, blank=True)
    payment = models.ForeignKey(
        Payment,
        verbose_name=_("payment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_transactions",
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-created_at", "-id"]
        # A constraint rather than unique=True: on PostgreSQL that would add a second, LIKE-only index on
        # the key, which no query uses and every ledger write would pay for (bench B4, RESULTS.md).
        constraints = [models.UniqueConstraint(fields=["key"], name="ledger_transaction_key_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class LedgerEntry(models.Model):
    """Append-only: amounts in integer fen (positive into the account, negative out of it)."""

    transaction = models.ForeignKey(
        LedgerTransaction, verbose_name=_("transaction"), on_delete=models.PROTECT, related_name="entries"
    )
    # Indexed by (account, created_at) below, which also serves lookups and foreign-key checks by account.
    account = models.ForeignKey(
        LedgerAccount, verbose_name=_("account"), on_delete=models.PROTECT, related_name="entries", db_index=False
    )
    amount_fen = models.BigIntegerField(verbose_name=_("amount fen"))
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="CNY")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["id"]
        indexes = [models.Index(fields=["account", "created_at"])]
        constraints = [models.CheckConstraint(condition=~Q(amount_fen=0), name="ledger_entry_non_zero")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount_fen}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Ledger entries are append-only.")


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
