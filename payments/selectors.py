"""Reads for money: balances are sums of ledger entries."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from common.money import from_fen
from payments.models import LedgerAccount, LedgerEntry, Payment, PaymentAllocation


def ledger_balance(*, kind: str, shop_id: int | None = None, currency: str = "CNY") -> Decimal:
    entries = LedgerEntry.objects.filter(account__kind=kind, account__currency=currency)
    entries = entries.filter(account__shop_id=shop_id) if shop_id else entries.filter(account__shop__isnull=True)
    return from_fen(entries.aggregate(s=Sum("amount_fen"))["s"] or 0)


def shop_balances(*, shop_id: int, currency: str = "CNY") -> dict[str, Decimal]:
    return {
        "in_escrow": ledger_balance(kind=LedgerAccount.Kind.ESCROW, shop_id=shop_id, currency=currency),
        "pending": ledger_balance(kind=LedgerAccount.Kind.SHOP_PENDING, shop_id=shop_id, currency=currency),
    }


def payment_live_allocations(*, payment: Payment) -> list[PaymentAllocation]:
    return list(payment.allocations.filter(voided_at__isnull=True).select_related("shop"))
