"""Plumbing shared by the benchmarks: their own databases and Redis DB, the server, stats, results.

Everything here talks to 127.0.0.1 only and never touches the developers' databases: the benchmarks use
`bench_marketplace` (the app), `bench_pgbench` (pgbench's own tables) and Redis DB 12.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
PY = sys.executable

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("BENCH_PG_PORT", "5432")
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")
DB_NAME = os.environ.get("BENCH_DB", "bench_marketplace")  # overridden per benchmark: bench_flash, bench_catalog…
PGBENCH_DB = os.environ.get("BENCH_PGBENCH_DB", "bench_pgbench")
REDIS_DB = int(os.environ.get("BENCH_REDIS_DB", "12"))
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def database_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE_URL = f"http://{HOST}:{PORT}"
HUGE_RATE = "100000000/s"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)


# --- environment --------------------------------------------------------------------------------


def app_env(db: str | None = None, **overrides: str) -> dict[str, str]:
    """The environment of every Django process of the benchmarks (server, setup scripts)."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "marketplace.settings",
            "DATABASE_URL": database_url(db or os.environ.get("BENCH_DB", DB_NAME)),
            "REDIS_URL": REDIS_URL,
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "CHANNEL_LAYER_PREFIX": "bench",
            "CACHE_KEY_PREFIX": "bench",
            "VAR_DIR": str(OUT / "var"),
            "RATE_LIMIT_REGISTER": HUGE_RATE,
            "RATE_LIMIT_LOGIN": HUGE_RATE,
            "RATE_LIMIT_CHECKOUT": HUGE_RATE,
            "RATE_LIMIT_CART": HUGE_RATE,
            "RATE_LIMIT_CHAT": HUGE_RATE,
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def django_setup(db: str, **overrides: str) -> None:
    """Sets up Django in this process against one bench database (for setup and checks)."""
    os.environ["BENCH_DB"] = db
    os.environ.update(app_env(db, **overrides))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def psql(sql: str, *, db: str = "postgres", capture: bool = True) -> str:
    result = subprocess.run(
        ["psql", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-d", db, "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        capture_output=capture,
        text=True,
        check=True,
    )
    return (result.stdout or "").strip()


def pgbench(db: str, *args: str, clients: int) -> str:
    """Runs pgbench (prepared statements, no vacuum, `clients` connections on ≤ 2 threads); its stdout."""
    cmd = ["pgbench", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "-n", "-M", "prepared"]
    cmd += ["-c", str(clients), "-j", str(min(clients, 2)), *args, db]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


def db_recreate(name: str) -> None:
    """Drops and creates one of the benchmarks' own databases (never another one)."""
    if not name.startswith("bench_"):
        raise SystemExit(f"refusing to recreate {name!r}: the benchmarks only own databases named bench_*")
    psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()")
    subprocess.run(["dropdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", PG_HOST, "-p", PG_PORT, "-U", PG_USER, name], check=True)


def db_exists(name: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def manage(db: str, *args: str, **env: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=app_env(db, **env), cwd=ROOT, check=True)


def migrate_fresh(db: str) -> None:
    log(f"recreating database {db} and migrating it")
    db_recreate(db)
    migrate_kept(db)


def migrate_kept(db: str) -> None:
    """Applies the migrations the database lacks (a no-op when it has them all). A database kept between
    runs needs it too: the bench measures the schema the code declares, not the one of the day it was seeded."""
    manage(db, "migrate", "--noinput", "-v", "0")


def redis_flush() -> None:
    subprocess.run(["redis-cli", "-n", str(REDIS_DB), "FLUSHDB"], check=True, capture_output=True)


def connections_free() -> int:
    """How many more PostgreSQL connections we may open, keeping a margin for the other engineers."""
    max_conn = int(psql("SHOW max_connections"))
    used = int(psql("SELECT count(*) FROM pg_stat_activity"))
    return max(1, max_conn - used - 12)


# --- the server ---------------------------------------------------------------------------------


def _raise_nofile() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    os.setsid()


def port_answers(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


@dataclass
class Server:
    """uvicorn serving bench.bare_asgi:application (the marketplace, plus the bare ceiling endpoints)."""

    db: str
    workers: int = 2
    env: dict[str, str] = field(default_factory=dict)
    # More uvicorn options, after the defaults below (the last of an option counts): e.g. B6's socket server
    args: tuple[str, ...] = ()
    proc: subprocess.Popen | None = None
    log_path: Path = OUT / "server.log"

    def start(self) -> Server:
        OUT.mkdir(parents=True, exist_ok=True)
        if port_answers(HOST, PORT):
            # Else the readiness probe below could be answered by that other server (an earlier run's, left
            # running): every figure would be its, and the CPU read from this run's idle processes.
            raise SystemExit(f"{HOST}:{PORT} is already served by another process: stop it, or set BENCH_PORT")
        cmd = [
            str(Path(PY).parent / "uvicorn"),
            "bench.bare_asgi:application",
            "--host",
            HOST,
            "--port",
            str(PORT),
            "--workers",
            str(self.workers),
            "--no-access-log",
            "--log-level",
            "warning",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--ws",
            "websockets",
            "--backlog",
            "4096",
            "--ws-max-queue",
            "256",
            "--timeout-keep-alive",
            "30",
            "--lifespan",
            "off",
            *self.args,
        ]
        log(f"starting uvicorn ({self.workers} worker(s)) with {', '.join(f'{k}={v}' for k, v in self.env.items())}")
        self._log = open(self.log_path, "a")  # noqa: SIM115 - closed in stop()
        self._log.write(f"\n=== {time.ctime()} {' '.join(cmd)} {self.env}\n")
        self._log.flush()
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=app_env(self.db, **self.env),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_raise_nofile,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"uvicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{BASE_URL}/bare/json", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            raise SystemExit(f"uvicorn did not answer within 60 s; see {self.log_path}")
        self.warm()
        return self

    def warm(self) -> None:
        """One request per worker and more, so imports, jieba and the pool are loaded before we measure."""
        for _ in range(self.workers * 4):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{BASE_URL}/api/v1/products/?q=%E8%90%9D%E5%8D%9C", timeout=30).read()

    def cpu_seconds(self) -> float:
        """User+system CPU of the server's processes (master and workers) so far."""
        import psutil

        try:
            return processes_cpu(self.pids())
        except psutil.NoSuchProcess:
            return 0.0

    def pids(self) -> list[int]:
        import psutil

        if self.proc is None:
            return []
        parent = psutil.Process(self.proc.pid)
        return [parent.pid, *(c.pid for c in parent.children(recursive=True))]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own session (setsid): uvicorn and its workers only
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.proc = None
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- load generators (separate processes) -------------------------------------------------------


def processes_cpu(pids: list[int]) -> float:
    """User+system CPU of these processes so far (those gone count nothing)."""
    import psutil

    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def run_loadgen(module: str, spec: dict[str, Any], *, timeout: float) -> dict[str, Any]:
    """Runs `python -m bench.<module>` with the spec on stdin; it prints progress on stderr and one JSON
    result on stdout. Bounded by `timeout` (the generator also stops itself)."""
    proc = subprocess.run(
        [PY, "-m", f"bench.{module}"],
        input=json.dumps(spec),
        capture_output=False,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=app_env(),
        timeout=timeout,
        preexec_fn=_raise_nofile_only,
    )
    if proc.returncode != 0:
        raise SystemExit(f"load generator bench.{module} failed with {proc.returncode}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _raise_nofile_only() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- statistics ---------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def failed_answers(statuses: dict[str, int]) -> int:
    """Requests the server failed (a 5xx) or never answered (a lost connection: status "0", or "exception …"),
    by a load generator's status counts ("201", "409 out_of_stock", …). A buyer may be told 409 or 429, never a
    500 (2026-12-06: two order numbers drawn twice were 500s in B1's sell-out, and no check saw them)."""
    return sum(n for code, n in statuses.items() if code.startswith(("5", "exception")) or code == "0")


def latency_summary(latencies_s: list[float]) -> dict[str, float | None]:
    ms = [x * 1000 for x in latencies_s]
    return {
        "p50_ms": _r(percentile(ms, 0.50)),
        "p95_ms": _r(percentile(ms, 0.95)),
        "p99_ms": _r(percentile(ms, 0.99)),
        "max_ms": _r(max(ms) if ms else None),
    }


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return _r(statistics.median(values)) if values else None


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(float(x), digits)


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or not b:
        return None
    return round(a / b, 3)


# --- results ------------------------------------------------------------------------------------


@dataclass
class Check:
    """One target: measured value against the goal. `kind` is "speed" or "correctness"."""

    bench: str
    name: str
    measured: float | None
    target: str
    ok: bool
    kind: str = "speed"
    note: str = ""

    def line(self) -> str:
        status = "ok    " if self.ok else {"correctness": "FAILED", "unavailable": "NOTRUN"}.get(self.kind, "MISSED")
        return f"  {status} {self.bench} {self.name}: {self.measured} (target {self.target}) {self.note}".rstrip()


def results_load() -> dict[str, Any]:
    path = OUT / "results.json"
    if path.exists():
        try:
            return json.loads(path.read_text())
        except ValueError:
            pass
    return {"benchmarks": {}}


def results_save(data: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))


def machine_info() -> dict[str, Any]:
    import platform

    import psutil

    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "postgres": psql("SHOW server_version"),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "load_avg_at_start": os.getloadavg(),
    }


def section_write(key: str, data: dict[str, Any], checks: list[Check]) -> None:
    """Each benchmark writes its own section (bench/out/<key>.json); bench.report merges them."""
    OUT.mkdir(parents=True, exist_ok=True)
    data = dict(
        data, checks=[c.__dict__ for c in checks], finished_at=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    )
    (OUT / f"{key}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    log(f"{key}: checks")
    for check in checks:
        print(check.line(), flush=True)


def exit_code(checks: list[Check], *, strict: bool) -> int:
    """1 when correctness fails (oversell, loss, duplicate queries); 3 for a missed speed target with --strict."""
    if any(not c.ok and c.kind == "correctness" for c in checks):
        return 1
    if strict and any(not c.ok for c in checks):
        return 3
    return 0


def cpu_note(results: list[dict[str, Any]]) -> dict[str, float]:
    """The load generators' CPU: mean share of one core, and the most any run used."""
    pcts = [r["loadgen_cpu_pct"] for r in results if "loadgen_cpu_pct" in r]
    return {
        "loadgen_cpu_pct_mean": round(sum(pcts) / len(pcts), 1) if pcts else 0.0,
        "loadgen_cpu_pct_max": max(pcts) if pcts else 0.0,
    }
