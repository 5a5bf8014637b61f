"""Waiting on row locks, and what a request answers when the database is busy or gone.

A request that waits on a row lock (a hot SKU in a flash sale, a twin request holding the same
Idempotency-Key) waits a bounded time (`lock_timeout_set`), then answers 409 `busy` with Retry-After;
a database that cannot be reached answers 503 `unavailable` with Retry-After. Neither is a 500.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import OperationalError, connection

from common.errors import Busy, ServiceUnavailable

# PostgreSQL's lock_not_available (lock_timeout, NOWAIT) and deadlock_detected: the rows were busy.
_BUSY_SQLSTATES = {"55P03", "40P01"}


def lock_timeout_set(milliseconds: int) -> None:
    """Bounds every row-lock wait until the current transaction ends (PostgreSQL; SQLite has its own
    busy timeout in the connection options)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {int(milliseconds)}")


def is_lock_timeout(exc: BaseException) -> bool:
    """A lock we waited for was not granted in time (or a deadlock was broken), as opposed to a
    connection that was lost or a server that is down."""
    cause = exc.__cause__ or exc
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc).lower()


def is_unique_violation(exc: BaseException) -> bool:
    """An INSERT or UPDATE met a row already holding the same value of a unique column (PostgreSQL's
    unique_violation; SQLite's "UNIQUE constraint failed"), as opposed to a check or a foreign key."""
    cause = exc.__cause__ or exc
    if getattr(cause, "sqlstate", None) == "23505":
        return True
    return connection.vendor == "sqlite" and str(exc).startswith("UNIQUE constraint failed")


@contextlib.contextmanager
def database_trouble_answered(*, busy_retry_after: int = 1, unavailable_retry_after: int = 5) -> Iterator[None]:
    """Turns an OperationalError into a domain error: a lock timeout into Busy (409), anything else
    (a lost connection, a server restarting) into ServiceUnavailable (503), both with Retry-After.
    Wrap it around the whole transaction, so a failed COMMIT is answered too."""
    try:
        yield
    except OperationalError as exc:
        if is_lock_timeout(exc):
            raise Busy(retry_after=busy_retry_after) from exc
        raise ServiceUnavailable(retry_after=unavailable_retry_after) from exc
