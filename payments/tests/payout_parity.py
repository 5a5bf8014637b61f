"""Runs the payout fast path and its plain-ORM reference on the same ledger and compares what they wrote.

Used by test_payouts_fast_path.py on PostgreSQL and, through `manage.py shell`, on the demo's SQLite.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import ModuleType

from django.db import transaction
from django.utils import timezone

from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payout, PayoutBatch
from payments.services import payouts_fast_path, payouts_reference
from payments.tests.money import confirmed_sale
from shops.models import Shop
from tests.factories import ShopFactory

MINIMUM_FEN = 1000
PERIOD = date(2031, 1, 1)
KEY_PREFIX = "payout-20310101-"
RUN_KEY = "settle:parity:"
PAYOUT_FIELDS = ("shop_id", "amount_fen", "currency", "status", "idempotency_key")


def ledger_world(now: datetime) -> dict[str, Shop]:
    """Shops whose pending and available money cover every case the steps tell apart."""
    old = now - timedelta(days=10)
    shops = {name: ShopFactory() for name in ("due", "recent", "suspended", "small", "partly_settled", "mixed")}

    def sale(shop: Shop, gross: str, commission: str = "0.00", *, at: datetime = old) -> None:
        reference = confirmed_sale(shop, gross, commission)
        LedgerEntry.objects.filter(transaction__key=f"release:{reference}").update(created_at=at)

    sale(shops["partly_settled"], "200.00")
    payouts_fast_path.settle_due(cutoff=now, run_key="settle:earlier:", now=old)  # moved to available before
    sale(shops["partly_settled"], "30.00")  # and more came after that settlement
    sale(shops["due"], "100.00", "5.00")  # 95.00 pending, due
    sale(shops["recent"], "50.00", at=now)  # inside the hold: stays pending
    sale(shops["suspended"], "80.00")  # settles, but a suspended shop is not paid
    Shop.objects.filter(pk=shops["suspended"].pk).update(status=Shop.Status.SUSPENDED)
    sale(shops["small"], "5.00")  # settles, below the payout minimum
    sale(shops["mixed"], "40.00")
    sale(shops["mixed"], "60.00", at=now)  # one sale due, one not
    return shops


def _snapshot(batch: PayoutBatch) -> dict:
    payout_shop = dict(Payout.objects.values_list("pk", "shop_id"))

    def key(text: str) -> str:
        if text.startswith(payouts_fast_path.PAYOUT_START_KEY):  # payout ids differ between the two runs
            return f"{payouts_fast_path.PAYOUT_START_KEY}shop{payout_shop[int(text.split(':')[1])]}"
        return text

    transactions = set()
    for tx in LedgerTransaction.objects.filter(
        kind__in=[LedgerTransaction.Kind.SETTLEMENT, LedgerTransaction.Kind.PAYOUT_STARTED]
    ).prefetch_related("entries__account"):
        legs = tuple(sorted((e.account.kind, e.account.shop_id, e.amount_fen, e.currency) for e in tx.entries.all()))
        transactions.add((tx.kind, key(tx.key), key(tx.reference), legs))
    return {
        "transactions": transactions,
        "payouts": set(Payout.objects.filter(batch=batch).values_list(*PAYOUT_FIELDS)),
        "accounts": set(LedgerAccount.objects.values_list("kind", "shop_id", "currency")),
    }


class _Rollback(Exception):
    def __init__(self, snapshot: dict) -> None:
        self.snapshot = snapshot


def run_steps(impl: ModuleType, *, now: datetime, twice: bool = True) -> dict:
    """Settles, creates the payouts and starts them with `impl`, (twice: a rerun must write nothing new),
    snapshots what was written, and rolls it all back."""
    try:
        with transaction.atomic():
            batch = PayoutBatch.objects.create(period=PERIOD, cutoff_at=now)
            for _run in range(2 if twice else 1):
                impl.settle_due(cutoff=now - timedelta(days=7), run_key=RUN_KEY, now=now)
                impl.payouts_create(batch=batch, minimum_fen=MINIMUM_FEN, key_prefix=KEY_PREFIX, now=now)
                impl.payouts_start(batch=batch, now=now)
            raise _Rollback(_snapshot(batch))
    except _Rollback as done:
        return done.snapshot


def parity_check() -> dict:
    """Builds the ledger, runs both versions on it, and asserts they wrote the same; returns the snapshot."""
    now = timezone.now()
    ledger_world(now)
    reference = run_steps(payouts_reference, now=now)
    fast = run_steps(payouts_fast_path, now=now)
    assert fast == reference, {k: (fast[k] ^ reference[k]) for k in fast}
    return fast
