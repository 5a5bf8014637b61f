"""Issue 20: which HTTP server — today's single uvicorn with the custom one-hop handler (common/asgi.py) and
its keep-alive cap, or gunicorn (WSGI, sync or gthread workers) as the standard Django deployment —
answers B1's floor (GET /api/v1/me/ with a token, one query) and B2's search (萝卜) faster, on the same
machine, database and worker count, in the same run (runs interleaved, medians).

Short by design: a small catalogue (seed_demo --products 2000), runs of a few seconds. Results:
bench/out/topology.json; the findings in bench/RESULTS.md ("Topology").

    python -m bench.topology [--front] [--keepalive-requests 20] [--duration S] [--runs N] [--concurrency 8]
                             [--servers asgi,asgi-nocap,gthread,gthread:4:2,sync:4]

--front puts the project's nginx in front (the Procfile's front config, upstream keepalive_requests as
given); asgi-nocap is the custom handler with HTTP_KEEPALIVE_REQUESTS=0. Use BENCH_PORT=… when another
benchmark holds the default port.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from bench import common as c

DB = "bench_topology"
PRODUCTS = 2000
SHOPS = 20
SERVER_ENV = {"DB_POOL": "1", "DB_POOL_MIN": "2", "DB_POOL_MAX": "4", "DB_POOL_TIMEOUT": "60", "CELERY_EAGER": "0"}
BIN = Path(c.PY).parent


def server_command(kind: str, workers: int, threads: int) -> list[str]:
    """`asgi`, `gthread` or `sync`; `gthread:W:T` and `sync:W` override the worker and thread counts."""
    kind, *counts = kind.split(":")
    workers = int(counts[0]) if counts else workers
    threads = int(counts[1]) if len(counts) > 1 else threads
    bind = f"{c.HOST}:{c.PORT}"
    if kind in ("asgi", "asgi-nocap"):
        return [str(BIN / "uvicorn"), "marketplace.asgi:application", "--host", c.HOST, "--port", str(c.PORT)]
    common = [str(BIN / "gunicorn"), "marketplace.wsgi:application", "-b", bind, "-w", str(workers)]
    if kind == "gthread":
        return [*common, "-k", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    if kind == "sync":
        return [*common, "-k", "sync"]
    raise SystemExit(f"unknown server {kind}")


def port_free(port: int) -> None:
    import socket

    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do: TIME_WAIT is no owner
        try:
            probe.bind((c.HOST, port))
        except OSError:
            raise SystemExit(f"port {port} is taken (another benchmark?): set BENCH_PORT") from None


def server_start(kind: str, *, workers: int, threads: int) -> subprocess.Popen:
    port_free(c.PORT)
    cmd = server_command(kind, workers, threads)
    if kind.startswith("asgi"):
        cmd += ["--workers", str(workers), "--no-access-log", "--log-level", "warning", "--lifespan", "off"]
        cmd += ["--loop", "uvloop", "--http", "httptools", "--timeout-keep-alive", "30"]
    else:
        cmd += ["--log-level", "warning", "--backlog", "4096", "--no-control-socket"]
    log = open(c.OUT / "topology-server.log", "a")  # noqa: SIM115 - lives as long as the server
    proc = subprocess.Popen(
        cmd,
        cwd=c.ROOT,
        # asgi-nocap: the custom handler without its keep-alive cap (nginx's keepalive_requests instead)
        env=c.app_env(DB, **SERVER_ENV, **({"HTTP_KEEPALIVE_REQUESTS": "0"} if kind == "asgi-nocap" else {})),
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{kind} server exited with {proc.returncode}; see bench/out/topology-server.log")
        try:
            with urllib.request.urlopen(f"{c.BASE_URL}/api/v1/products/?q={quote('萝卜')}", timeout=20) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    for _ in range(workers * 6):
        urllib.request.urlopen(f"{c.BASE_URL}/api/v1/products/?q={quote('萝卜')}", timeout=30).read()
    return proc


def server_stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


FRONT_PORT = c.PORT + 1


def front_start(keepalive_requests: int = 20) -> subprocess.Popen:
    """The project's nginx in front of the server on c.PORT (the full topology's front config: pages and
    /ws/ both to that server), listening on FRONT_PORT; stop it with server_stop()."""
    for port in (FRONT_PORT, c.PORT + 2, c.PORT + 3):
        port_free(port)
    from live.nginx_config import NginxSetup, nginx_command, nginx_config_write

    work = c.OUT / "topology_nginx"
    var = c.OUT / "var"  # the benchmarks' VAR_DIR (bench.common.app_env)
    setup = NginxSetup(
        work_dir=work, rtmp_port=c.PORT + 2, http_port=c.PORT + 3, hook_base=c.BASE_URL, secret="bench",
        record_dir=work / "rec", front_port=FRONT_PORT, http_upstream=f"{c.HOST}:{c.PORT}",
        ws_upstream=f"{c.HOST}:{c.PORT}", static_root=var / "static", media_root=var / "media",
        upstream_keepalive_requests=keepalive_requests,
    )  # fmt: skip
    nginx_config_write(setup)
    proc = subprocess.Popen(nginx_command(setup), stdin=subprocess.DEVNULL, start_new_session=True)
    time.sleep(1)
    return proc


def cpu_by_process(proc: subprocess.Popen) -> dict[int, float]:
    import psutil

    parent = psutil.Process(proc.pid)
    seconds = {}
    for p in [parent, *parent.children(recursive=True)]:
        try:
            t = p.cpu_times()
            seconds[p.pid] = t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return seconds


def setup() -> list[str]:
    if c.db_exists(DB) and c.psql("SELECT to_regclass('bench_meta') IS NOT NULL", db=DB) == "t":
        c.migrate_kept(DB)
    else:
        c.migrate_fresh(DB)
        c.manage(DB, "seed_demo", "--shops", str(SHOPS), "--products", str(PRODUCTS), "--quiet-logins",
                 CELERY_EAGER="1", REDIS_URL="")  # fmt: skip
        c.django_setup(DB)
        from bench import fixtures

        fixtures.users_create("topology-buyer-", 16)
        c.psql("VACUUM ANALYZE", db=DB)
        c.psql("CREATE TABLE bench_meta AS SELECT 1 AS seeded", db=DB)
    return c.psql(
        "SELECT key FROM authtoken_token t JOIN accounts_user u ON u.id = t.user_id "
        "WHERE u.username LIKE 'topology-buyer-%' ORDER BY u.id",
        db=DB,
    ).split()


def measure(
    proc: subprocess.Popen, *, page: str, tokens: list[str], concurrency: int, duration: float, base_url: str
) -> dict:
    paths = ["/api/v1/me/"] if page == "floor" else [f"/api/v1/products/?q={quote('萝卜')}"]
    cpu0 = cpu_by_process(proc)
    result = c.run_loadgen(
        "loadgen_http",
        {
            "base_url": base_url,
            "mode": "get",
            "paths": paths,
            "concurrency": concurrency,
            "duration": duration,
            "tokens": tokens[:concurrency] if page == "floor" else [],
            "label": page,
        },
        timeout=duration + 120,
    )
    cpu1 = cpu_by_process(proc)
    split = sorted((round(cpu1[pid] - cpu0.get(pid, 0.0), 1) for pid in cpu1), reverse=True)
    cpu = sum(cpu1.values()) - sum(cpu0.values())
    lat = c.latency_summary(result.pop("latencies"))
    bad = {k: v for k, v in result["statuses"].items() if not k.startswith("2")}
    return {
        "rps": result["rate_ok"],
        "cpu_ms": round(1000 * cpu / result["ok"], 3) if result["ok"] else None,
        "p99_ms": lat["p99_ms"],
        "not_2xx": bad,
        "cpu_s_by_process": split,  # master and workers: how evenly the workers shared the load
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--servers", default="asgi-nocap,asgi,gthread")
    parser.add_argument("--front", action="store_true", help="through the project's nginx, as in the Procfile")
    parser.add_argument("--keepalive-requests", type=int, default=20, help="nginx's upstream keepalive_requests")
    args = parser.parse_args(argv)
    c.OUT.mkdir(parents=True, exist_ok=True)
    tokens = setup()
    front = front_start(args.keepalive_requests) if args.front else None
    base_url = f"http://{c.HOST}:{FRONT_PORT}" if front else c.BASE_URL
    kinds = args.servers.split(",")
    try:
        runs: dict[str, dict[str, list[dict]]] = {k: {"floor": [], "search": []} for k in kinds}
        for n in range(args.runs):
            for kind in kinds if n % 2 == 0 else reversed(kinds):
                proc = server_start(kind, workers=args.workers, threads=args.threads)
                try:
                    for page in ("floor", "search"):
                        run = measure(
                            proc,
                            page=page,
                            tokens=tokens,
                            concurrency=args.concurrency,
                            duration=args.duration,
                            base_url=base_url,
                        )
                        runs[kind][page].append(run)
                        c.log(f"run {n + 1} {kind:8} {page:6}: {run}")
                finally:
                    server_stop(proc)
    finally:
        if front:
            server_stop(front)
    summary = {
        kind: {
            page: {
                key: round(statistics.median(r[key] for r in rs), 3)
                for key in ("rps", "cpu_ms", "p99_ms")
                if all(r[key] is not None for r in rs)
            }
            for page, rs in pages.items()
        }
        for kind, pages in runs.items()
    }
    c.log(f"medians of {args.runs} (c={args.concurrency}, {args.workers} workers): {summary}")
    (c.OUT / f"topology{'-front' if front else ''}.json").write_text(
        __import__("json").dumps({"args": vars(args), "summary": summary, "runs": runs}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
