"""B1's checkout in-process: CPU per request, statements per request, and a cProfile of where it goes.

Django's handler through the test client (token auth, a fresh Idempotency-Key per buy-now, the bench
server's settings: pool, Celery not eager), no HTTP and no load generator, so the figures are the
request's own CPU; beside it the CPU of the PostgreSQL backends that served it (read from /proc: the
database server must run on this machine). The floor (`GET /api/v1/me/`) is timed beside it, alternating rounds.

    python -m bench.flash_profile [--n 300] [--rounds 3] [--profile out.prof] [--keep] [--refusals]

`--refusals`: the SKU sold out (stock 0; the first refusal from PostgreSQL closes the stock gate), each buy-now
a 409 from the gate, timed against the floor the same way (B1's "sold out" target).

Its own database (`bench_flash_profile`, recreated unless --keep) and the bench's Redis DB.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import time
import uuid

from bench import common as c
from bench.flash import SERVER_ENV

DB = "bench_flash_profile"
ADDRESS = {"name": "张三", "phone": "13800000000", "province": "湖南", "city": "长沙", "line": "岳麓区麓山南路 1 号"}


def setup(*, keep: bool) -> dict:
    if not (keep and c.db_exists(DB)):
        c.migrate_fresh(DB)
    c.django_setup(DB, **SERVER_ENV)
    from bench import fixtures
    from catalog.models import Sku

    buyers = fixtures.users_create(f"prof-buyer-{uuid.uuid4().hex[:6]}-", 8)
    owner = fixtures.users_create(f"prof-seller-{uuid.uuid4().hex[:6]}-", 1)
    shop = fixtures.shops_create(owner, prefix=f"prof-{uuid.uuid4().hex[:6]}")[0]
    (sku,) = fixtures.products_create(shop, n=1, stock=10_000_000, price="9.90", title="秒杀腌萝卜")
    Sku.objects.filter(pk=sku.pk).update(stock=10_000_000)
    c.psql("VACUUM ANALYZE", db=DB)
    return {"sku": sku.pk, "tokens": [b.bench_token for b in buyers]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=300, help="requests per round and kind")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="write the checkouts' cProfile here (and print its top)")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it exists")
    parser.add_argument("--refusals", action="store_true", help="time buy-nows of a sold-out SKU (409s)")
    args = parser.parse_args()
    fx = setup(keep=args.keep)
    expected = 201
    if args.refusals:
        from catalog.models import Sku

        Sku.objects.filter(pk=fx["sku"]).update(stock=0)
        expected = 409

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    clients = [Client(HTTP_AUTHORIZATION=f"Token {t}", HTTP_ACCEPT="application/json") for t in fx["tokens"]]
    body = {"address": ADDRESS, "items": [{"sku": fx["sku"], "quantity": 1}]}

    def checkout(i: int) -> None:
        response = clients[i % len(clients)].post(
            "/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex
        )
        if response.status_code != expected:
            raise SystemExit(f"checkout answered {response.status_code}: {response.content[:300]!r}")

    def floor(i: int) -> None:
        if clients[i % len(clients)].get("/api/v1/me/").status_code != 200:
            raise SystemExit("floor failed")

    for i in range(50):  # warm: imports, prepared statements, pool
        checkout(i)
        floor(i)
    with CaptureQueriesContext(connection) as queries:
        checkout(0)
    label = "refusal" if args.refusals else "checkout"
    print(f"statements per {label}: {len(queries)}")
    for q in queries.captured_queries:
        print("   ", q["sql"][:150])

    def backend_cpu() -> float:
        """CPU seconds so far of the PostgreSQL backends on this database (the pool's connections; utime +
        stime from /proc, in clock ticks), and of the WAL writer, which a commit may wake."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() OR backend_type = 'walwriter'"
            )
            pids = [pid for (pid,) in cursor.fetchall()]
        ticks = 0
        for pid in pids:
            with contextlib.suppress(FileNotFoundError), open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not waits
    for r in range(args.rounds):
        figures = {}
        for name, request in (("floor", floor), ("checkout", checkout)):
            if profiler is not None and name == "checkout":
                profiler.enable()
            t0, w0, b0 = time.process_time(), time.perf_counter(), backend_cpu()
            for i in range(args.n):
                request(i)
            cpu, wall, db = time.process_time() - t0, time.perf_counter() - w0, backend_cpu() - b0
            if profiler is not None and name == "checkout":
                profiler.disable()
            figures[name] = (cpu / args.n * 1000, wall / args.n * 1000, db / args.n * 1000)
        (cpu_c, wall_c, db_c), (cpu_f, wall_f, db_f) = figures["checkout"], figures["floor"]
        print(
            f"round {r + 1}: {label} {cpu_c:.2f} ms CPU + {db_c:.2f} PostgreSQL ({wall_c:.2f} wall), "
            f"floor {cpu_f:.2f} ms CPU + {db_f:.2f} PostgreSQL ({wall_f:.2f} wall), "
            f"CPU ratio {cpu_c / cpu_f:.2f}, with PostgreSQL's {(cpu_c + db_c) / (cpu_f + db_f):.2f}"
        )
    if profiler is not None:
        profiler.dump_stats(args.profile)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(60)


if __name__ == "__main__":
    main()
