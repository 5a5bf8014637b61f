"""The double-entry ledger: accounts per shop and for the platform, transactions, append-only entries."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from payments.models.payments import Payment
from shops.models import Shop


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
        RELEASED_AT_ONCE = "released_at_once", _("Escrow released to available at once (a tip)")
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
