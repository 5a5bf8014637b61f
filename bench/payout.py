"""B4 payout batch: `payments.services.payouts.payout_batch_run` over 1,000,000 confirmed order lines in
10,000 shops, against one `INSERT … SELECT` doing the same aggregation in SQL (the ceiling, same run).

The seed writes, in set-based SQL, what confirming receipt writes (payments.services.ledger.escrow_release):
one `receipt_confirmed` ledger transaction per order line (the worst case: one line per order) with its
three entries — escrow −gross, shop pending +net, platform revenue +commission (5 %). Order rows themselves
are not written: the payout batch reads only the ledger. The seeded database (bench_payout) is kept when
its size matches (`--reseed` rebuilds it).

Each run: run the batch (timed; this process's RSS sampled every 10 ms: "flat memory" means the batch
does not load rows into Python), run it again for the same period (must create nothing: every
payments_* table keeps its row count), then undo the batch in SQL for the next run. Medians of 3.

    python -m bench.payout [--quick] [--lines N] [--shops N] [--reseed] [--strict]
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import date, timedelta

from bench import common as c

DB = "bench_payout"
TARGET_CEILING_RATIO = 0.3
MAX_RSS_GROWTH_MB = 64.0
TABLES = (
    "payments_payoutbatch",
    "payments_payout",
    "payments_ledgertransaction",
    "payments_ledgerentry",
    "payments_ledgeraccount",
)


def available() -> str | None:
    """None when the payout batch service exists, else why not."""
    try:
        from payments.services.payouts import payout_batch_run  # noqa: F401
    except ImportError as exc:
        return f"payments.services.payouts.payout_batch_run is not available yet ({exc})"
    return None


def seed(lines: int, shops: int, reseed: bool) -> None:
    if not reseed and c.db_exists(DB):
        try:
            kept = c.psql("SELECT lines, shops FROM bench_meta", db=DB) == f"{lines}|{shops}"
        except Exception:
            kept = False
        if kept:
            c.log(f"reusing {DB}: {lines:,} confirmed lines in {shops:,} shops (--reseed rebuilds it)")
            c.migrate_kept(DB)
            return
    c.migrate_fresh(DB)
    c.django_setup(DB)
    from bench import fixtures

    t0 = time.monotonic()
    owners = fixtures.users_create("payout-seller-", shops)
    fixtures.shops_create(owners, prefix="payout")
    c.log(f"seeding {lines:,} receipt_confirmed ledger transactions (3 entries each) in SQL")
    # Accounts: escrow and pending per shop, one platform revenue account.
    c.psql(
        """
        INSERT INTO payments_ledgeraccount (kind, shop_id, currency, created_at, updated_at)
        SELECT k.kind, s.id, 'CNY', now(), now()
        FROM shops_shop s CROSS JOIN (VALUES ('escrow'), ('shop_pending')) k(kind)
        WHERE s.slug LIKE 'payout-%';
        INSERT INTO payments_ledgeraccount (kind, shop_id, currency, created_at, updated_at)
        VALUES ('platform_revenue', NULL, 'CNY', now(), now()) ON CONFLICT DO NOTHING;
        CREATE TEMP TABLE shop_n AS SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM shops_shop
            WHERE slug LIKE 'payout-%';
    """
        + f"""
        INSERT INTO payments_ledgertransaction (kind, key, reference, created_at, updated_at)
        SELECT 'receipt_confirmed', 'release:bench-' || g, 'bench-' || g, now() - interval '2 days', now()
        FROM generate_series(1, {lines}) g;
        CREATE TEMP TABLE line AS
        SELECT t.id AS tx, sn.id AS shop_id, 1000 + (hashtext(t.key) & 65535) AS gross
        FROM payments_ledgertransaction t
        JOIN shop_n sn ON sn.n = (substr(t.key, 15)::bigint % {shops})
        WHERE t.kind = 'receipt_confirmed' AND t.key LIKE 'release:bench-%';
        INSERT INTO payments_ledgerentry (transaction_id, account_id, amount_fen, currency, created_at, updated_at)
        SELECT l.tx, a.id, CASE a.kind WHEN 'escrow' THEN -l.gross ELSE l.gross - l.gross * 5 / 100 END, 'CNY',
               now() - interval '2 days', now()
        FROM line l JOIN payments_ledgeraccount a ON a.shop_id = l.shop_id AND a.kind IN ('escrow', 'shop_pending')
        UNION ALL
        SELECT l.tx, (SELECT id FROM payments_ledgeraccount WHERE kind = 'platform_revenue' AND shop_id IS NULL
                      ORDER BY id LIMIT 1), l.gross * 5 / 100, 'CNY', now() - interval '2 days', now()
        FROM line l;
        CREATE TABLE bench_meta AS SELECT {lines} AS lines, {shops} AS shops;
        CREATE TABLE bench_ceiling_payout (shop_id bigint, currency varchar(3), fen bigint);
    """,
        db=DB,
    )
    c.psql("VACUUM ANALYZE", db=DB)
    c.log(f"seeded in {time.monotonic() - t0:.0f} s")


CEILING_SQL = """
INSERT INTO bench_ceiling_payout (shop_id, currency, fen)
SELECT a.shop_id, a.currency, SUM(e.amount_fen)
FROM payments_ledgerentry e JOIN payments_ledgeraccount a ON a.id = e.account_id
JOIN shops_shop s ON s.id = a.shop_id
WHERE a.kind = 'shop_pending' AND s.status <> 'suspended' AND a.currency = 'CNY'
GROUP BY a.shop_id, a.currency HAVING SUM(e.amount_fen) >= %s
"""


def ceiling_run(minimum_fen: int) -> dict:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE bench_ceiling_payout")
        t0 = time.perf_counter()
        cursor.execute(CEILING_SQL, [minimum_fen])
        rows = cursor.rowcount
        elapsed = time.perf_counter() - t0
    return {"seconds": round(elapsed, 3), "rows": rows}


def counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        result = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            result[table] = cursor.fetchone()[0]
    return result


def undo(period: date) -> None:
    """Removes what the batch of `period` wrote, so the next run starts from the same ledger — vacuumed.

    Without the VACUUM (autovacuum is off on this PostgreSQL) every run left its 10,000 payouts and
    20,000 transactions behind as dead rows whose keys the next run writes again: each unique check
    then visited every dead twin, and the batch got slower run after run, invocation after invocation
    (15 runs: 150,000 dead payouts, 300,000 dead transactions). Production has autovacuum."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            DELETE FROM payments_ledgerentry WHERE transaction_id IN (
                SELECT id FROM payments_ledgertransaction WHERE kind IN ('settlement', 'payout_started'));
            DELETE FROM payments_ledgertransaction WHERE kind IN ('settlement', 'payout_started');
            DELETE FROM payments_payout;
            DELETE FROM payments_payoutbatch;
        """)
    c.psql(f"VACUUM ANALYZE {', '.join(TABLES)}", db=DB)


class RssSampler:
    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.start = self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return round((self.peak - self.start) / 2**20, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100,000 lines in 1,000 shops, one run")
    parser.add_argument("--lines", type=int, default=None, help="confirmed order lines (default 1,000,000)")
    parser.add_argument("--shops", type=int, default=None, help="shops (default lines / 100)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args(argv)
    lines = args.lines or (100_000 if args.quick else 1_000_000)
    shops = args.shops or max(1, lines // 100)
    runs = 1 if args.quick and args.runs == 3 else args.runs

    # Import check first: a clear message and exit 2 when B4 cannot run yet.
    if not c.db_exists(DB):
        c.db_recreate(DB)
    c.django_setup(DB, PAYOUT_HOLD_DAYS="0")
    reason = available()
    if reason:
        print(f"\nB4 payout batch: NOT AVAILABLE — {reason}.\n", file=sys.stderr)
        c.section_write(
            "payout",
            {"available": False, "summary": f"Not run: {reason}."},
            [
                c.Check(
                    "B4",
                    "payout batch service",
                    None,
                    "payments.services.payouts.payout_batch_run",
                    False,
                    kind="unavailable",
                )
            ],
        )
        return 2
    seed(lines, shops, args.reseed)
    from django.conf import settings
    from django.db import connections
    from django.utils import timezone

    connections.close_all()
    from common.money import to_fen
    from payments.services.payouts import payout_batch_run

    minimum = to_fen(settings.PAYOUT_MINIMUM)
    undo(date.today())
    app_runs, ceiling_runs = [], []
    for i in range(runs):
        period = date(2026, 1, 1) + timedelta(days=i)
        ceiling_runs.append(ceiling_run(minimum))
        before = counts()
        with RssSampler() as rss:
            t0 = time.perf_counter()
            batch, created = payout_batch_run(now=timezone.now(), period=period)
            elapsed = time.perf_counter() - t0
        after = counts()
        _again, created_again = payout_batch_run(now=timezone.now(), period=period)
        after_rerun = counts()
        from payments.models import Payout

        payouts = Payout.objects.filter(batch=batch).count()
        run = {
            "seconds": round(elapsed, 3),
            "rss_growth_mb": rss.growth_mb,
            "payouts": payouts,
            "created": created,
            "rerun_created": created_again,
            "rows_written": {t: after[t] - before[t] for t in TABLES},
            "rerun_rows_written": {t: after_rerun[t] - after[t] for t in TABLES},
        }
        app_runs.append(run)
        c.log(
            f"B4 run {i + 1}/{runs}: batch {elapsed:.2f} s, {payouts} payouts, RSS +{rss.growth_mb} MB; "
            f"ceiling {ceiling_runs[-1]['seconds']} s ({ceiling_runs[-1]['rows']} rows); rerun wrote "
            f"{run['rerun_rows_written']}"
        )
        undo(period)
    app_s = c.median_of(app_runs, "seconds")
    ceiling_s = c.median_of(ceiling_runs, "seconds")
    ratio = c.ratio(ceiling_s, app_s)
    rss = max(r["rss_growth_mb"] for r in app_runs)
    rerun_rows = sum(sum(r["rerun_rows_written"].values()) for r in app_runs)
    payout_counts = {r["payouts"] for r in app_runs}
    ceiling_rows = {r["rows"] for r in ceiling_runs}
    summary = (
        f"{lines:,} confirmed lines in {shops:,} shops: batch {app_s} s (median), ceiling INSERT … SELECT "
        f"{ceiling_s} s → ratio {ratio} (target ≥ {TARGET_CEILING_RATIO}); peak RSS growth {rss} MB; "
        f"payouts {sorted(payout_counts)} vs ceiling rows {sorted(ceiling_rows)}; rows written by reruns "
        f"{rerun_rows}."
    )
    results = {
        "available": True,
        "config": {"lines": lines, "shops": shops, "runs": runs},
        "seconds": app_s,
        "ceiling_seconds": ceiling_s,
        "ratio": ratio,
        "rss_growth_mb_max": rss,
        "summary": summary,
        "runs": app_runs,
        "ceiling_runs": ceiling_runs,
    }
    checks = [
        c.Check(
            "B4",
            "batch speed ÷ INSERT … SELECT ceiling",
            ratio,
            f">= {TARGET_CEILING_RATIO}",
            (ratio or 0) >= TARGET_CEILING_RATIO,
        ),
        c.Check(
            "B4",
            "peak RSS growth during the batch (MB)",
            rss,
            f"<= {MAX_RSS_GROWTH_MB:g} (flat)",
            rss <= MAX_RSS_GROWTH_MB,
        ),
        c.Check(
            "B4",
            "a rerun creates nothing (rows written)",
            rerun_rows,
            "= 0",
            rerun_rows == 0 and not any(r["rerun_created"] for r in app_runs),
            kind="correctness",
        ),
        c.Check(
            "B4",
            "one payout per shop the ceiling pays",
            sorted(payout_counts)[0],
            f"= {sorted(ceiling_rows)[0]}",
            payout_counts == ceiling_rows,
            kind="correctness",
        ),
    ]
    c.section_write("payout", results, checks)
    return c.exit_code(checks, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
