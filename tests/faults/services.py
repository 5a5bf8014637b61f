"""Stopping and starting this machine's PostgreSQL and Redis, for the fault tests only.

Every stop is paired with a start in a finally block; `ensure_services_up()` starts whichever is down.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time

from conftest import wait_until

REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
]


def _cluster_version() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def _pg_ctl(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster_version(), "main", action],
        check=True,
        timeout=60,
        capture_output=True,
    )


def redis_answers() -> bool:
    try:
        return (
            subprocess.run(
                ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "ping"], capture_output=True, text=True, timeout=5
            ).stdout.strip()
            == "PONG"
        )
    except subprocess.TimeoutExpired:
        return False


def postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=3) as conn:
            return conn.execute("select 1").fetchone() == (1,)
    except Exception:
        return False


def redis_stop() -> None:
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], capture_output=True, timeout=10
    )
    wait_until(lambda: not _port_open(6379), 20, "Redis stopping")


def redis_start() -> None:
    if not redis_answers():
        subprocess.run(REDIS_START, check=True, timeout=20, capture_output=True)
    wait_until(redis_answers, 60, "Redis to come back")


def postgres_restart() -> None:
    try:
        _pg_ctl("restart")
    finally:
        postgres_start()


def postgres_start() -> None:
    if not postgres_answers():
        with contextlib.suppress(subprocess.CalledProcessError):
            _pg_ctl("start")
    wait_until(postgres_answers, 60, "PostgreSQL to come back")


def ensure_services_up() -> None:
    redis_start()
    postgres_start()


def _port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


@contextlib.contextmanager
def redis_down(seconds: float):
    """Redis is stopped for about `seconds`, then started again, whatever happens."""
    redis_stop()
    try:
        time.sleep(seconds)
    finally:
        redis_start()
    yield
