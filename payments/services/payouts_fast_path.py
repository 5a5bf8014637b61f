"""FAST PATH (bench B4, bench/RESULTS.md): settlement and the payout batch as set-based SQL, a few statements
whatever the number of shops, no Python loop over shops or ledger entries.

The plain-ORM version of the same three steps is `payouts_reference.py`, one shop at a time through
`ledger_transaction_post`: it is the definition of what these statements must write, and
payments/tests/test_payouts_fast_path.py runs both on the same data and compares the ledgers and payouts.
Table names come from the models' `_meta.db_table`; values are always parameters.

Each step reads its rows once into a temporary table, then: creates the accounts it needs, posts one
two-legged ledger transaction per row (keyed, so a rerun posts nothing twice). PostgreSQL and SQLite (the
demo's embedded database) both run it; the differences are marked where they are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime

from django.db import connection

from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payout, PayoutBatch
from shops.models import Shop

_ENTRY = LedgerEntry._meta.db_table
_ACCOUNT = LedgerAccount._meta.db_table
_TX = LedgerTransaction._meta.db_table
_PAYOUT = Payout._meta.db_table
_SHOP = Shop._meta.db_table


def _execute(sql: str, params: list) -> int:
    # The SQL of this module is built from model table names (hence the S608 noqa); values are parameters.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def jit_off() -> None:
    """No JIT compilation for the rest of this transaction (PostgreSQL): the planner expects ~180 entries
    per available account (the ledger's average) where there are a few, and compiling the payout statement
    for that estimate took 160 ms of its 280 (bench B4). SQLite has no JIT."""
    if _postgres():
        _execute("SET LOCAL jit = off", [])


@contextlib.contextmanager
def _rows_materialised(name: str, rows_sql: str, params: list) -> Iterator[str]:
    """Runs `rows_sql` (shop_id, currency, fen, ref) once into a temporary table `name` and yields its
    name, so the statements of a step (accounts, transactions, entries) read these rows instead of each
    re-running the query: for settlement, a GROUP BY over every pending entry.

    Dropped on leaving, so a second step in the same transaction can create it again; after an error
    the rollback removes it (and ON COMMIT DROP on PostgreSQL). ANALYZE gives the planner its real
    size: autovacuum never sees temporary tables.
    """
    _execute(f"DROP TABLE IF EXISTS {name}", [])
    _execute(
        f"CREATE TEMPORARY TABLE {name} {'ON COMMIT DROP ' if _postgres() else ''}AS "  # noqa: S608
        f"SELECT r.shop_id, r.currency, r.fen, r.ref, CAST(NULL AS BIGINT) AS transaction_id "
        f"FROM ({rows_sql}) r",
        params,
    )
    if _postgres():
        _execute(f"ANALYZE {name}", [])
    yield name
    _execute(f"DROP TABLE {name}", [])


def _accounts_ensure(kind: str, rows_table: str, now: datetime) -> None:
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
        [kind, now, now, kind],
    )


def _post_two_legged(*, kind: str, key_prefix: str, rows_table: str, debit: str, credit: str, now: datetime) -> int:
    """For each row (shop_id, currency, fen, ref) of the temporary table `rows_table`: one transaction
    keyed `key_prefix + ref` moving `fen` from the shop's `debit` account to its `credit` account.

    Four statements whatever the number of shops; rows whose transaction already has entries are
    skipped, so a rerun posts nothing twice. Returns the number of entries written.
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


def settle_due(*, cutoff: datetime, run_key: str, now: datetime) -> int:
    """Per shop: pending money confirmed before `cutoff`, less what already left pending, moves to
    available in a transaction keyed `run_key + shop id`. Returns the number of shops settled."""
    pending = LedgerAccount.Kind.SHOP_PENDING
    due = (
        "SUM(CASE WHEN e.amount_fen > 0 AND e.created_at <= %s THEN e.amount_fen "
        "WHEN e.amount_fen < 0 THEN e.amount_fen ELSE 0 END)"
    )
    rows_sql = (
        f"SELECT a.shop_id, a.currency, CAST(a.shop_id AS TEXT) AS ref, {due} AS fen "  # noqa: S608
        f"FROM {_ENTRY} e JOIN {_ACCOUNT} a ON a.id = e.account_id WHERE a.kind = %s "
        f"GROUP BY a.shop_id, a.currency HAVING {due} > 0"
    )
    # The aggregation over every pending entry runs once; the statements of the step read its rows.
    with _rows_materialised("payments_settle_rows", rows_sql, [cutoff, pending, cutoff]) as rows:
        _accounts_ensure(LedgerAccount.Kind.SHOP_AVAILABLE, rows, now)
        entries = _post_two_legged(
            kind=LedgerTransaction.Kind.SETTLEMENT,
            key_prefix=run_key,
            rows_table=rows,
            debit=pending,
            credit=LedgerAccount.Kind.SHOP_AVAILABLE,
            now=now,
        )
    return entries // 2


def payouts_create(*, batch: PayoutBatch, minimum_fen: int, key_prefix: str, now: datetime) -> int:
    """One payout (awaiting approval, keyed `key_prefix + shop id`) per shop that is not suspended and
    whose available balance in the batch's currency reaches `minimum_fen`. Returns how many were created.

    Each shop's available balance is summed per account, through the (account, created_at) index: the
    available accounts hold a sliver of the ledger, and a join + GROUP BY read all of it (bench B4: a
    sequential scan of 3M entries for 10,000, a quarter of the batch). One account per shop and currency;
    MATERIALIZED: each balance is summed once, not again for the WHERE (SQLite ignores the word's meaning
    but accepts it)."""
    return _execute(
        "WITH balance AS MATERIALIZED (SELECT a.shop_id, a.currency, "  # noqa: S608
        f"(SELECT SUM(e.amount_fen) FROM {_ENTRY} e WHERE e.account_id = a.id) AS fen "
        f"FROM {_ACCOUNT} a JOIN {_SHOP} s ON s.id = a.shop_id "
        "WHERE a.kind = %s AND s.status <> %s AND a.currency = %s) "
        f"INSERT INTO {_PAYOUT} (batch_id, shop_id, amount_fen, currency, status, idempotency_key, "
        "provider_reference, failure_reason, created_at, updated_at) "
        "SELECT %s, b.shop_id, b.fen, b.currency, %s, %s || CAST(b.shop_id AS TEXT), '', '', %s, %s "
        "FROM balance b WHERE b.fen >= %s ON CONFLICT DO NOTHING",
        [
            LedgerAccount.Kind.SHOP_AVAILABLE,
            Shop.Status.SUSPENDED,
            batch.currency,
            batch.pk,
            Payout.Status.AWAITING_APPROVAL,
            key_prefix,
            now,
            now,
            max(minimum_fen, 1),
        ],
    )


def payouts_start(*, batch: PayoutBatch, now: datetime) -> None:
    """Each payout of the batch moves its amount from the shop's available account to in transit, in a
    transaction keyed `payout-start:<payout id>`."""
    rows_sql = (
        f"SELECT p.shop_id, p.currency, p.amount_fen AS fen, CAST(p.id AS TEXT) AS ref "  # noqa: S608
        f"FROM {_PAYOUT} p WHERE p.batch_id = %s"
    )
    with _rows_materialised("payments_payout_rows", rows_sql, [batch.pk]) as rows:
        _accounts_ensure(LedgerAccount.Kind.SHOP_IN_TRANSIT, rows, now)
        _post_two_legged(
            kind=LedgerTransaction.Kind.PAYOUT_STARTED,
            key_prefix=PAYOUT_START_KEY,
            rows_table=rows,
            debit=LedgerAccount.Kind.SHOP_AVAILABLE,
            credit=LedgerAccount.Kind.SHOP_IN_TRANSIT,
            now=now,
        )


PAYOUT_START_KEY = "payout-start:"
