"""B2 search by query kind (issue 24), `python -m bench.catalog --search-only`: each kind's URLs over the generated
catalogue's words, in-process cold and warm timings with query counts, then warm p95 over HTTP at 1 client."""

from __future__ import annotations

import urllib.request
from urllib.parse import quote

from bench import common as c
from bench.catalog import DB, SEARCH_P95_TARGET_MS, SERVER_ENV, http_run


def search_kinds() -> dict[str, list[str]]:
    """Search URLs by query kind (issue 24) over the generated catalogue's words (marketplace.demo_catalog):
    each kind rotates over 14 queries (one a word), so the cached candidates of one don't flatter another."""
    c.django_setup(DB, REDIS_URL=c.REDIS_URL)
    import zhconv
    from pypinyin import Style, lazy_pinyin

    from catalog.search_quality import _fullwidth, _typo
    from marketplace.demo_catalog import ADJECTIVES, PLACES, WORDS

    words = [w for w, _english in WORDS]
    english = [e for _w, e in WORDS]
    kinds = {
        "chinese": words,
        "chinese_middle": [w[len(w) // 2 - 1 : len(w) // 2 + 1] if len(w) > 2 else w for w in words],
        "pinyin": ["".join(lazy_pinyin(w)) for w in words],
        "pinyin_spaced": [" ".join(lazy_pinyin(w)) for w in words],
        "pinyin_tones": ["".join(lazy_pinyin(w, style=Style.TONE3, neutral_tone_with_five=True)) for w in words],
        "english": english,
        "traditional": [zhconv.convert(w, "zh-tw") for w in words],
        "fullwidth": [_fullwidth("".join(lazy_pinyin(w)).upper()) for w in words],
        "typo": [_typo("".join(lazy_pinyin(w))) for w in words],
        # Two common words: a province or an adjective with a product word (each ~1/8 × 1/14 of the catalogue).
        "two_words": [
            f"{PLACES[i % len(PLACES)][0]} {w}" if i % 2 else f"{ADJECTIVES[i % 8]} {w}" for i, w in enumerate(words)
        ],
    }
    urls = {kind: [f"/api/v1/products/?q={quote(q)}" for q in queries] for kind, queries in kinds.items()}
    urls["price_sorted"] = [f"/api/v1/products/?q={quote(w)}&ordering={o}" for w in words for o in ("price", "-price")]
    return urls


def search_timings(kinds: dict[str, list[str]]) -> dict[str, dict]:
    """In-process, per kind: the first request of each query (its candidates not cached yet: what a query
    nobody asked in the last minute costs) and the second (cached), in ms, and the queries each made."""
    import time

    c.django_setup(DB, REDIS_URL=c.REDIS_URL)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    out: dict[str, dict] = {}
    for kind, urls in kinds.items():
        cold, warm, counts, results, cpu, db = [], [], [], [], {"cold": [], "warm": []}, {"cold": [], "warm": []}
        for url in urls:
            for name, bucket in (("cold", cold), ("warm", warm)):
                with CaptureQueriesContext(connection) as queries:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = client.get(url)
                    bucket.append((time.perf_counter() - start) * 1000)
                    cpu[name].append((time.process_time() - start_cpu) * 1000)
                db[name].append(sum(float(q["time"]) for q in queries.captured_queries) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{url} answered {response.status_code}")
            counts.append(len(queries.captured_queries))
            results.append(response.json()["count"])
        out[kind] = {
            "cold_p50_ms": round(sorted(cold)[len(cold) // 2], 1),
            "cold_max_ms": round(max(cold), 1),
            "warm_p50_ms": round(sorted(warm)[len(warm) // 2], 1),
            "warm_max_ms": round(max(warm), 1),
            # This process's CPU (Python) and the statements' wall time (PostgreSQL and the wire): what a
            # machine shared by 9 agents (load average 13-19) inflates less than the wall time of the whole.
            "cold_cpu_p50_ms": round(sorted(cpu["cold"])[len(urls) // 2], 1),
            "warm_cpu_p50_ms": round(sorted(cpu["warm"])[len(urls) // 2], 1),
            "cold_db_p50_ms": round(sorted(db["cold"])[len(urls) // 2], 1),
            "cold_db_max_ms": round(max(db["cold"]), 1),
            "warm_db_p50_ms": round(sorted(db["warm"])[len(urls) // 2], 1),
            "queries_warm": sorted(set(counts)),
            "min_results": min(results),
        }
        c.log(f"B2 search {kind}: {out[kind]}")
    return out


def search_only(kinds: dict[str, list[str]], *, duration: float, runs: int, products: int, env: list[str]) -> int:
    """Search by query kind: in-process cold and warm timings and query counts, then p95 over HTTP at 1 client
    (the server's 2 workers, each kind's queries rotated, `runs` runs, medians), warm: each URL is requested
    once before the runs (the cold first request is the in-process figure; on a loaded machine the first run
    did not reach every query, so cold ones fell into the measured runs, and price-sorted has 28 URLs)."""
    timings = search_timings(kinds)
    c.redis_flush()
    results: dict = {"config": {"products": products, "duration_s": duration, "runs": runs}, "in_process": timings}
    checks: list[c.Check] = []
    server_env = dict(SERVER_ENV, **dict(kv.split("=", 1) for kv in env))
    with c.Server(db=DB, workers=2, env=server_env):
        for kind, paths in kinds.items():
            for path in paths:
                with urllib.request.urlopen(c.BASE_URL + path, timeout=60) as response:
                    response.read()
            page_runs = [
                http_run(paths, concurrency=1, duration=duration, label=f"B2 search {kind} {i + 1}/{runs}")
                for i in range(runs)
            ]
            row = {k: c.median_of(page_runs, k) for k in ("rps", "p50_ms", "p95_ms", "p99_ms")}
            row["errors"] = sum(r["errors"] for r in page_runs)
            results[kind] = row
            c.log(f"B2 search {kind}: {row}")
            p95 = row["p95_ms"] or 1e9
            checks.append(c.Check("B2", f"search {kind} p95, {products:,}", p95, "< 50 ms", p95 < SEARCH_P95_TARGET_MS))
            queries = timings[kind]["queries_warm"]
            checks.append(
                c.Check("B2", f"search {kind}: query count", queries, "constant", len(queries) == 1, kind="correctness")
            )
    c.section_write("catalog-search", results, checks)
    return c.exit_code(checks, strict=False)
