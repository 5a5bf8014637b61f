"""Reads for money: balances are sums of ledger entries (indexed by account), never stored counters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from common.money import from_fen
from payments.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentAllocation,
    Payout,
    PayoutAccount,
)

BALANCE_KINDS = {
    "in_escrow": LedgerAccount.Kind.ESCROW,
    "pending": LedgerAccount.Kind.SHOP_PENDING,
    "available": LedgerAccount.Kind.SHOP_AVAILABLE,
    "in_transit": LedgerAccount.Kind.SHOP_IN_TRANSIT,
    "paid_out": LedgerAccount.Kind.SHOP_PAID_OUT,
}
# The movements of one order's money (or a tip's): their reference is its number; the others' is the ledger's key.
ORDER_KINDS = [
    LedgerTransaction.Kind.RECEIPT_CONFIRMED,
    LedgerTransaction.Kind.RELEASED_AT_ONCE,
    LedgerTransaction.Kind.REFUND,
    LedgerTransaction.Kind.CLAWBACK,
]


def ledger_balance(*, kind: str, shop_id: int | None = None, currency: str = "CNY") -> Decimal:
    entries = LedgerEntry.objects.filter(account__kind=kind, account__currency=currency)
    entries = entries.filter(account__shop_id=shop_id) if shop_id else entries.filter(account__shop__isnull=True)
    return from_fen(entries.aggregate(s=Sum("amount_fen"))["s"] or 0)


def shop_balances(*, shop_id: int, currency: str = "CNY") -> dict[str, Decimal]:
    """{in_escrow, pending, available, in_transit, paid_out} in one query."""
    sums = dict(
        LedgerEntry.objects.filter(account__shop_id=shop_id, account__currency=currency)
        .values_list("account__kind")
        .annotate(s=Sum("amount_fen"))
    )
    return {name: from_fen(sums.get(kind, 0) or 0) for name, kind in BALANCE_KINDS.items()}


def shop_statement(*, shop_id: int, start: date | None = None, end: date | None = None) -> QuerySet[LedgerEntry]:
    """Every ledger line on the shop's accounts, newest first, with its transaction and `shop_reference`:
    the order number(s) of this shop only. A payment's capture covers every shop of a checkout, and its
    transaction's reference lists all their orders: a seller sees just their own (from the allocation).
    A settlement or a payout concerns no order: its reference is the ledger's own key, not shown ("")."""
    own_reference = Subquery(
        PaymentAllocation.objects.filter(payment_id=OuterRef("transaction__payment_id"), shop_id=shop_id)
        .order_by("id")
        .values("reference")[:1]
    )
    entries = (
        LedgerEntry.objects.filter(account__shop_id=shop_id)
        .select_related("transaction", "account")
        .annotate(
            shop_reference=Case(
                When(transaction__kind=LedgerTransaction.Kind.PAYMENT_CAPTURED, then=own_reference),
                When(transaction__kind__in=ORDER_KINDS, then=F("transaction__reference")),
                default=Value(""),
            )
        )
        .order_by("-created_at", "-id")
    )
    if start:
        entries = entries.filter(created_at__date__gte=start)
    if end:
        entries = entries.filter(created_at__date__lte=end)
    return entries


def shop_payouts(*, shop_id: int) -> QuerySet[Payout]:
    return Payout.objects.filter(shop_id=shop_id).select_related("batch").order_by("-created_at", "-id")


def shop_daily_sales(*, shop_id: int, days: int = 30, now: datetime | None = None) -> list[dict]:
    """Money paid into escrow for the shop per day, for the last `days` days (zeros included)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    start = today - timedelta(days=days - 1)
    rows = dict(
        LedgerEntry.objects.filter(
            account__shop_id=shop_id,
            account__kind=LedgerAccount.Kind.ESCROW,
            amount_fen__gt=0,
            created_at__date__gte=start,
        )
        .annotate(day=TruncDate("created_at"))
        .values_list("day")
        .annotate(s=Sum("amount_fen"))
    )
    return [
        {"day": start + timedelta(days=i), "amount": from_fen(rows.get(start + timedelta(days=i), 0) or 0)}
        for i in range(days)
    ]


def next_payout_at(*, now: datetime | None = None) -> datetime:
    """The next daily batch (Celery beat, PAYOUT_BATCH_HOUR local time)."""
    now = timezone.localtime(now or timezone.now())
    hour = settings.CELERY_BEAT_SCHEDULE["payments-payout-batch"]["schedule"].hour
    at = now.replace(hour=min(hour), minute=0, second=0, microsecond=0)
    return at if at > now else at + timedelta(days=1)


def payment_live_allocations(*, payment: Payment) -> list[PaymentAllocation]:
    return list(payment.allocations.filter(voided_at__isnull=True).select_related("shop"))


def shop_payout_account(*, shop_id: int) -> PayoutAccount | None:
    return PayoutAccount.objects.filter(shop_id=shop_id).first()
