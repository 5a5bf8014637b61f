"""The full topology of the Procfile on free ports (honcho: nginx in front, the HTTP server, the socket
server, a Celery worker per queue, beat), and a streaming PostgreSQL replica."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from conftest import BASE_DIR, RUN_ID, free_port, server_env
from tests.topology.postgres_replica import Replica, replica_new, replica_remove


@dataclass
class Topology:
    url: str  # nginx, the site's front
    ws_url: str
    web_port: int
    ws_port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
    except OSError:
        return False
    return True


def process_tree_stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM to the process and everything it started (by pid), then SIGKILL to what is left."""
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGTERM)  # honcho passes it on to every process of the Procfile
    _gone, alive = psutil.wait_procs(tree, timeout=timeout)
    for leftover in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            leftover.kill()
    psutil.wait_procs(alive, timeout=5)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@pytest.fixture(scope="module")
def topology(django_db_setup, django_db_blocker, tmp_path_factory):
    """`honcho start -f Procfile` as `make run` starts it, on this run's test database, Redis prefixes and
    broker prefix (its queues are its own), with every port free. Tests need committed data."""
    work = tmp_path_factory.mktemp("topology")
    front, web, ws = free_port(), free_port(), free_port()
    with django_db_blocker.unblock():
        env = server_env(
            {
                "CELERY_EAGER": "0",
                "CELERY_BROKER_PREFIX": f"test-{RUN_ID}-topology:",
                "VAR_DIR": str(work / "var"),
                "LIVE_DIR": str(work / "live"),
                "LIVE_RECORD_DIR": str(work / "live" / "rec"),
                "LIVE_RTMP_PORT": str(free_port()),
                "LIVE_HTTP_PORT": str(free_port()),
                "HOST": "127.0.0.1",
                "PORT": str(front),
                "WEB_PORT": str(web),
                "WS_PORT": str(ws),
                "WEB_WORKERS": "1",
                "CELERY_CONCURRENCY": "1",
            }
        )
    env.pop("CELERY_QUEUE", None)
    log_path = work / "honcho.log"
    process = subprocess.Popen(
        [str(BASE_DIR / ".venv" / "bin" / "honcho"), "start", "-f", "Procfile", "--no-colour"],
        cwd=BASE_DIR,
        env=env,
        stdout=open(log_path, "ab"),  # noqa: SIM115 - the child holds it
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    topology = Topology(f"http://127.0.0.1:{front}", f"ws://127.0.0.1:{front}", web, ws, env, log_path, process)
    try:
        deadline = time.monotonic() + 40
        while not all(_listening(port) for port in (front, web, ws)):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the topology did not start:\n{topology.log()}")
            time.sleep(0.2)
        yield topology
    finally:
        process_tree_stop(process)


@pytest.fixture(scope="module")
def streaming_replica(request, django_db_setup) -> Replica:
    """A streaming replica of this machine's PostgreSQL (the test database included), on a free port.

    A hot standby does not open for reads while the primary has a transaction with more than 64
    subtransactions open, and the sweep's `world` fixture (tests/conftest.py) holds one for a whole module:
    in a run whose other processes may run such a module, the replica would open only by luck, so the
    fixture refuses at once. `make test` runs the `standby` tests apart from the suite."""
    workers = getattr(request.config, "workerinput", {}).get("workercount", 1)
    if workers > 1 and any("world" in getattr(item, "fixturenames", ()) for item in request.session.items):
        pytest.fail(
            "this run's other processes may hold the sweep's module-wide transaction (the `world` fixture), "
            'which keeps a new hot standby shut: run the `standby` tests apart (-m "not standby", then '
            "-m standby), as make test does",
            pytrace=False,
        )
    replica = replica_new(free_port())
    try:
        yield replica.start()
    finally:
        replica_remove(replica)


@dataclass
class WebServer:
    url: str
    log_path: Path
    process: subprocess.Popen

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


@contextlib.contextmanager
def web_server(work: Path, extra_env: dict[str, str]):
    """The Procfile's HTTP server alone (uvicorn) on a free port, on this run's test database."""
    port = free_port()
    env = server_env({"CELERY_EAGER": "1", "TRUSTED_PROXIES": "127.0.0.1", **extra_env})
    log_path = work / f"web-{port}.log"
    process = subprocess.Popen(
        [str(BASE_DIR / ".venv" / "bin" / "uvicorn"), "marketplace.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1", "--lifespan", "off"],
        cwd=BASE_DIR,
        env=env,
        stdout=open(log_path, "ab"),  # noqa: SIM115 - the child holds it
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    server = WebServer(f"http://127.0.0.1:{port}", log_path, process)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the HTTP server did not start:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        process_tree_stop(process)
