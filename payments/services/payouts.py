"""Settlement and payout batches, in set-based SQL: no Python loop over order lines or ledger entries.

Money flows through a shop's accounts: escrow → pending (receipt confirmed, less commission) →
available (settled after PAYOUT_HOLD_DAYS) → in transit (a payout batch) → paid out (the bank
confirmed) or back to available (the transfer failed). Each step is a ledger transaction whose
entries sum to zero, posted once per key.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.csv_export import csv_writer
from common.errors import InvalidState
from common.money import fen_str, to_fen
from common.sweeps import overdue_enqueue
from payments.lock_objects import ledger_settlement_lock
from payments.models import LedgerAccount, LedgerTransaction, Payout, PayoutBatch
from payments.providers.payouts import payout_provider_get
from payments.services.ledger import ledger_accounts_get, ledger_transaction_post
from payments.signals import payout_status_changed

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]

_ENTRY = "payments_ledgerentry"
_ACCOUNT = "payments_ledgeraccount"
_TX = "payments_ledgertransaction"


def _noop(message: str) -> None:
    logger.info(message)


def _execute(sql: str, params: list) -> int:
    # The SQL of this module is built from its own table names (hence the S608 noqa); values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@contextlib.contextmanager
def _rows_materialised(name: str, rows_sql: str, params: list) -> Iterator[str]:
    """Runs `rows_sql` (shop_id, currency, fen, ref) once into a temporary table `name` and yields its
    name, so the statements of a step (accounts, transactions, entries) read these rows instead of each
    re-running the query: for settlement, a GROUP BY over every pending entry.

    Dropped on leaving, so a second step in the same transaction can create it again; after an error
    the rollback removes it (and ON COMMIT DROP on PostgreSQL). ANALYZE gives the planner its real
    size: autovacuum never sees temporary tables.
    """
    postgres = connection.vendor == "postgresql"
    _execute(f"DROP TABLE IF EXISTS {name}", [])
    _execute(
        f"CREATE TEMPORARY TABLE {name} {'ON COMMIT DROP ' if postgres else ''}AS "  # noqa: S608
        f"SELECT r.shop_id, r.currency, r.fen, r.ref, CAST(NULL AS BIGINT) AS transaction_id "
        f"FROM ({rows_sql}) r",
        params,
    )
    if postgres:
        _execute(f"ANALYZE {name}", [])
    yield name
    _execute(f"DROP TABLE {name}", [])


def _accounts_ensure_sql(kind: str, rows_table: str) -> None:
    """Creates the missing per-shop accounts of `kind` for the (shop_id, currency) rows of a table.

    Existing accounts (all of them after a shop's first payout) are skipped by an index lookup, which
    costs less than a speculative insertion that conflicts; ON CONFLICT covers a concurrent insert.
    """
    _execute(
        f"INSERT INTO {_ACCOUNT} (kind, shop_id, currency, created_at, updated_at) "  # noqa: S608
        f"SELECT DISTINCT %s, s.shop_id, s.currency, %s, %s FROM {rows_table} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {_ACCOUNT} a "
        f"WHERE a.kind = %s AND a.shop_id = s.shop_id AND a.currency = s.currency) "
        "ON CONFLICT DO NOTHING",
        [kind, timezone.now(), timezone.now(), kind],
    )


def _post_two_legged(*, kind: str, key_prefix: str, rows_table: str, debit: str, credit: str, now: datetime) -> int:
    """For each row (shop_id, currency, fen, ref) of the temporary table `rows_table`: one transaction
    keyed `key_prefix + ref` moving `fen` from the shop's `debit` account to its `credit` account.

    Four statements whatever the number of shops; rows whose transaction already has entries are
    skipped, so a rerun posts nothing twice.
    """
    _execute(
        f"INSERT INTO {_TX} (kind, key, reference, created_at, updated_at) "  # noqa: S608
        # WHERE true: SQLite cannot parse an upsert from a SELECT without a WHERE clause.
        f"SELECT %s, %s || r.ref, %s || r.ref, %s, %s FROM {rows_table} r WHERE true ON CONFLICT DO NOTHING",
        [kind, key_prefix, key_prefix, now, now],
    )
    # One unique-index lookup per row. Joining on the key instead lets PostgreSQL hash the whole
    # transactions table (a seq scan of every transaction ever posted) for a few thousand rows.
    _execute(
        f"UPDATE {rows_table} SET transaction_id = "  # noqa: S608
        f"(SELECT t.id FROM {_TX} t WHERE t.key = %s || {rows_table}.ref)",
        [key_prefix],
    )
    return _execute(
        f"INSERT INTO {_ENTRY} (transaction_id, account_id, amount_fen, currency, created_at, updated_at) "  # noqa: S608
        f"SELECT r.transaction_id, a.id, CASE WHEN a.kind = %s THEN -r.fen ELSE r.fen END, r.currency, %s, %s "
        f"FROM {rows_table} r "
        f"JOIN {_ACCOUNT} a ON a.shop_id = r.shop_id AND a.currency = r.currency AND a.kind IN (%s, %s) "
        f"WHERE NOT EXISTS (SELECT 1 FROM {_ENTRY} x WHERE x.transaction_id = r.transaction_id)",
        [debit, now, now, debit, credit],
    )


def _settlement_rows_sql() -> str:
    """Per shop: pending money confirmed before the cutoff, less what already left pending."""
    return (
        f"SELECT a.shop_id, a.currency, CAST(a.shop_id AS TEXT) AS ref, "  # noqa: S608
        f"SUM(CASE WHEN e.amount_fen > 0 AND e.created_at <= %s THEN e.amount_fen "
        f"WHEN e.amount_fen < 0 THEN e.amount_fen ELSE 0 END) AS fen "
        f"FROM {_ENTRY} e JOIN {_ACCOUNT} a ON a.id = e.account_id WHERE a.kind = 'shop_pending' "
        f"GROUP BY a.shop_id, a.currency "
        f"HAVING SUM(CASE WHEN e.amount_fen > 0 AND e.created_at <= %s THEN e.amount_fen "
        f"WHEN e.amount_fen < 0 THEN e.amount_fen ELSE 0 END) > 0"
    )


@transaction.atomic
def ledger_settle_due(*, now: datetime | None = None, run_key: str | None = None) -> int:
    """Moves confirmed money older than PAYOUT_HOLD_DAYS from pending to available, for every shop."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PAYOUT_HOLD_DAYS)
    run_key = run_key or f"settle:{now:%Y%m%d%H%M%S%f}:"
    ledger_settlement_lock()  # before reading the balances it moves
    # The aggregation over every pending entry runs once; the statements of the step read its rows.
    with _rows_materialised("payments_settle_rows", _settlement_rows_sql(), [cutoff, cutoff]) as rows:
        _accounts_ensure_sql(LedgerAccount.Kind.SHOP_AVAILABLE, rows)
        entries = _post_two_legged(
            kind=LedgerTransaction.Kind.SETTLEMENT,
            key_prefix=run_key,
            rows_table=rows,
            debit=LedgerAccount.Kind.SHOP_PENDING,
            credit=LedgerAccount.Kind.SHOP_AVAILABLE,
            now=now,
        )
    return entries // 2


def payout_batch_period(now: datetime) -> date:
    return timezone.localtime(now).date()


@transaction.atomic(durable=True)
def payout_batch_run(
    *, now: datetime | None = None, period: date | None = None, progress: Progress = _noop
) -> tuple[PayoutBatch, bool]:
    """Creates the period's batch: settles due money, then one payout per shop whose available
    balance reaches PAYOUT_MINIMUM, moving it to "in transit". A second run for the period is a no-op.

    Returns (batch, created). Suspended shops' money waits.
    """
    now = now or timezone.now()
    period = period or payout_batch_period(now)
    batch, created = PayoutBatch.objects.get_or_create(period=period, defaults={"cutoff_at": now})
    if not created:
        progress(f"batch {period} exists already: nothing new")
        return batch, False
    if connection.vendor == "postgresql":
        # No JIT compilation for this transaction: the planner expects ~180 entries per available account
        # (the ledger's average) where there are a few, and compiling the payout statement for that
        # estimate took 160 ms of its 280 (bench B4, RESULTS.md).
        _execute("SET LOCAL jit = off", [])
    progress("settling pending money older than the hold")
    settled = ledger_settle_due(now=now, run_key=f"settle:{period}:")
    progress(f"settled {settled} shop(s); choosing payouts")
    minimum = to_fen(Decimal(settings.PAYOUT_MINIMUM))
    # Each shop's available balance is summed per account, through the (account, created_at) index: the
    # available accounts hold a sliver of the ledger, and a join + GROUP BY read all of it (bench B4: a
    # sequential scan of 3M entries for 10,000, a quarter of the batch). One account per shop and currency;
    # MATERIALIZED: each balance is summed once, not again for the WHERE.
    created_payouts = _execute(
        "WITH balance AS MATERIALIZED (SELECT a.shop_id, a.currency, "  # noqa: S608
        f"(SELECT SUM(e.amount_fen) FROM {_ENTRY} e WHERE e.account_id = a.id) AS fen "
        f"FROM {_ACCOUNT} a JOIN shops_shop s ON s.id = a.shop_id "
        f"WHERE a.kind = 'shop_available' AND s.status <> 'suspended' AND a.currency = %s) "
        "INSERT INTO payments_payout (batch_id, shop_id, amount_fen, currency, status, idempotency_key, "
        "provider_reference, failure_reason, created_at, updated_at) "
        "SELECT %s, b.shop_id, b.fen, b.currency, %s, %s || CAST(b.shop_id AS TEXT), '', '', %s, %s "
        "FROM balance b WHERE b.fen >= %s ON CONFLICT DO NOTHING",
        [
            batch.currency,
            batch.pk,
            Payout.Status.AWAITING_APPROVAL,
            f"payout-{period:%Y%m%d}-",
            now,
            now,
            max(minimum, 1),
        ],
    )
    progress(f"{created_payouts} payout(s); moving their money to in transit")
    payouts_sql = (
        "SELECT p.shop_id, p.currency, p.amount_fen AS fen, CAST(p.id AS TEXT) AS ref "
        "FROM payments_payout p WHERE p.batch_id = %s"
    )
    with _rows_materialised("payments_payout_rows", payouts_sql, [batch.pk]) as rows:
        _accounts_ensure_sql(LedgerAccount.Kind.SHOP_IN_TRANSIT, rows)
        _post_two_legged(
            kind=LedgerTransaction.Kind.PAYOUT_STARTED,
            key_prefix="payout-start:",
            rows_table=rows,
            debit=LedgerAccount.Kind.SHOP_AVAILABLE,
            credit=LedgerAccount.Kind.SHOP_IN_TRANSIT,
            now=now,
        )
    if not created_payouts:
        batch.status = PayoutBatch.Status.COMPLETED
        batch.completed_at = now
        batch.save(update_fields=["status", "completed_at", "updated_at"])
    progress("done")
    return batch, True


@transaction.atomic
def payout_batch_approve(*, batch_id: int, actor, reason: str = "") -> PayoutBatch:
    """An operator approves the batch: each payout is sent by its own idempotent Celery task. The
    approval is the operator's action: the audit log keeps it."""
    from accounts.services import operator_action_record

    batch = PayoutBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != PayoutBatch.Status.AWAITING_APPROVAL:
        raise InvalidState(_("This batch is not awaiting approval."))
    batch.status = PayoutBatch.Status.APPROVED
    batch.approved_by = actor
    batch.approved_at = timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    batch.payouts.filter(status=Payout.Status.AWAITING_APPROVAL).update(
        status=Payout.Status.APPROVED, updated_at=timezone.now()
    )
    operator_action_record(actor=actor, action="payout_batch_approve", obj=batch, reason=reason)
    # robust: a broker that is down must not fail the approval; payouts_reconcile_task re-queues them.
    transaction.on_commit(lambda: payouts_enqueue(batch_id=batch.pk), robust=True)
    return batch


def payouts_enqueue(*, batch_id: int | None = None, older_than: datetime | None = None) -> int:
    """Queues a pay task for each approved or processing payout (used on approval and by the reconciler)."""
    from payments.tasks import payout_pay_task

    payouts = Payout.objects.filter(status__in=[Payout.Status.APPROVED, Payout.Status.PROCESSING])
    if batch_id is not None:
        payouts = payouts.filter(batch_id=batch_id)
    if older_than is not None:
        payouts = payouts.filter(updated_at__lte=older_than)
    return overdue_enqueue(payouts, payout_pay_task, limit=None)


def payout_pay(*, payout_id: int) -> str:
    """Pays one payout exactly once, safe to run again at any point (a worker killed mid-way included).

    1. (transaction) approved → processing;  2. the provider transfer, outside any transaction, with
    the payout's idempotency key, so a repeat returns the first transfer;  3. (transaction) processing →
    paid (in transit → paid out) or failed (in transit → available, with the reason).
    """
    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("shop").get(pk=payout_id)
        if payout.status in (Payout.Status.PAID, Payout.Status.FAILED):
            return payout.status
        if payout.status == Payout.Status.AWAITING_APPROVAL:
            raise InvalidState(_("The batch of this payout is not approved."))
        if payout.status == Payout.Status.APPROVED:
            payout.status = Payout.Status.PROCESSING
            payout.save(update_fields=["status", "updated_at"])
    result = payout_provider_get().transfer(
        idempotency_key=payout.idempotency_key, shop=payout.shop, amount_fen=payout.amount_fen, currency=payout.currency
    )
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.PROCESSING:
            return payout.status  # a twin run finished it first
        kind = LedgerAccount.Kind
        target = kind.SHOP_PAID_OUT if result.ok else kind.SHOP_AVAILABLE
        accounts = ledger_accounts_get(
            keys=[(kind.SHOP_IN_TRANSIT, payout.shop_id), (target, payout.shop_id)], currency=payout.currency
        )
        ledger_transaction_post(
            kind=LedgerTransaction.Kind.PAYOUT_PAID if result.ok else LedgerTransaction.Kind.PAYOUT_FAILED,
            key=f"payout-{'paid' if result.ok else 'failed'}:{payout.pk}",
            currency=payout.currency,
            entries=[
                (accounts[(kind.SHOP_IN_TRANSIT, payout.shop_id)], -payout.amount_fen),
                (accounts[(target, payout.shop_id)], payout.amount_fen),
            ],
            reference=f"payout {payout.pk}",
        )
        payout.status = Payout.Status.PAID if result.ok else Payout.Status.FAILED
        payout.provider_reference = result.reference[:80]
        payout.failure_reason = result.reason[:300]
        payout.paid_at = timezone.now() if result.ok else None
        payout.save(update_fields=["status", "provider_reference", "failure_reason", "paid_at", "updated_at"])
        _batch_complete_if_done(payout.batch_id)
        status = payout.status
        transaction.on_commit(
            lambda: payout_status_changed.send(
                sender=Payout,
                payout_id=payout_id,
                shop_id=payout.shop_id,
                status=status,
                amount=Decimal(payout.amount_fen) / 100,
                reason=result.reason,
            ),
            robust=True,
        )
    return status


def _batch_complete_if_done(batch_id: int) -> None:
    if (
        not Payout.objects.filter(batch_id=batch_id)
        .exclude(status__in=[Payout.Status.PAID, Payout.Status.FAILED])
        .exists()
    ):
        PayoutBatch.objects.filter(pk=batch_id).exclude(status=PayoutBatch.Status.COMPLETED).update(
            status=PayoutBatch.Status.COMPLETED, completed_at=timezone.now(), updated_at=timezone.now()
        )


def payout_batch_csv(*, batch: PayoutBatch) -> str:
    """The bank file: one line per payout, amounts in yuan with two decimals. Shop names are written by
    sellers: no cell is read as a spreadsheet formula (common.csv_export)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        [
            "payout_id",
            "batch",
            "shop_slug",
            "shop_name",
            "amount",
            "currency",
            "status",
            "idempotency_key",
            # the bank account the owner entered in the seller center (empty: none yet, the bank cannot pay)
            "account_holder",
            "bank",
            "account_number",
        ]
    )
    payouts = batch.payouts.select_related("shop", "shop__payout_account").order_by("id")
    for payout in payouts.iterator(chunk_size=2000):
        account = getattr(payout.shop, "payout_account", None)
        writer.writerow(
            [
                payout.pk,
                f"{batch.period}",
                payout.shop.slug,
                payout.shop.name,
                fen_str(payout.amount_fen),
                payout.currency,
                payout.status,
                payout.idempotency_key,
                account.holder_name if account else "",
                account.bank_name if account else "",
                account.account_number if account else "",
            ]
        )
    return out.getvalue()
