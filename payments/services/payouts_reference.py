"""The reference for payouts_fast_path.py: the same three steps in the plain ORM, one shop at a time.

Not used by the product (the batch runs the fast path: bench B4); it states what the set-based SQL must
write, and payments/tests/test_payouts_fast_path.py runs both on the same data and compares them.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, Sum

from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payout, PayoutBatch
from payments.services.ledger import ledger_accounts_get, ledger_transaction_post
from payments.services.payouts_fast_path import PAYOUT_START_KEY
from shops.models import Shop


def _move(*, kind: str, key: str, shop_id: int, currency: str, fen: int, debit: str, credit: str) -> None:
    accounts = ledger_accounts_get(keys=[(debit, shop_id), (credit, shop_id)], currency=currency)
    ledger_transaction_post(
        kind=kind,
        key=key,
        currency=currency,
        entries=[(accounts[(debit, shop_id)], -fen), (accounts[(credit, shop_id)], fen)],
        reference=key,
    )


def settle_due(*, cutoff: datetime, run_key: str, now: datetime) -> int:
    settled = 0
    for account in LedgerAccount.objects.filter(kind=LedgerAccount.Kind.SHOP_PENDING).order_by("id"):
        entries = LedgerEntry.objects.filter(account=account)
        fen = entries.filter(Q(amount_fen__gt=0, created_at__lte=cutoff) | Q(amount_fen__lt=0)).aggregate(
            s=Sum("amount_fen")
        )["s"]
        if not fen or fen <= 0:
            continue
        key = f"{run_key}{account.shop_id}"
        if LedgerTransaction.objects.filter(key=key).exists():
            continue
        _move(
            kind=LedgerTransaction.Kind.SETTLEMENT,
            key=key,
            shop_id=account.shop_id,
            currency=account.currency,
            fen=fen,
            debit=LedgerAccount.Kind.SHOP_PENDING,
            credit=LedgerAccount.Kind.SHOP_AVAILABLE,
        )
        settled += 1
    return settled


def payouts_create(*, batch: PayoutBatch, minimum_fen: int, key_prefix: str, now: datetime) -> int:
    created = 0
    available = LedgerAccount.objects.filter(
        kind=LedgerAccount.Kind.SHOP_AVAILABLE, currency=batch.currency, shop__isnull=False
    ).exclude(shop__status=Shop.Status.SUSPENDED)
    for account in available.order_by("id"):
        fen = LedgerEntry.objects.filter(account=account).aggregate(s=Sum("amount_fen"))["s"] or 0
        if fen < max(minimum_fen, 1):
            continue
        _payout, was_created = Payout.objects.get_or_create(
            batch=batch,
            shop_id=account.shop_id,
            defaults={
                "amount_fen": fen,
                "currency": account.currency,
                "status": Payout.Status.AWAITING_APPROVAL,
                "idempotency_key": f"{key_prefix}{account.shop_id}",
            },
        )
        created += was_created
    return created


def payouts_start(*, batch: PayoutBatch, now: datetime) -> None:
    for payout in Payout.objects.filter(batch=batch).order_by("id"):
        _move(
            kind=LedgerTransaction.Kind.PAYOUT_STARTED,
            key=f"{PAYOUT_START_KEY}{payout.pk}",
            shop_id=payout.shop_id,
            currency=payout.currency,
            fen=payout.amount_fen,
            debit=LedgerAccount.Kind.SHOP_AVAILABLE,
            credit=LedgerAccount.Kind.SHOP_IN_TRANSIT,
        )
