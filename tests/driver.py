"""The statements as the driver sends them: Django's query capture sees a statement before the execute
wrappers, and the Idempotency-Key's claim is put in front of a write's first read by one
(common.idempotency.KeyClaim). For tests and bench/flash_replay.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg


@contextlib.contextmanager
def driver_statements() -> Iterator[list[tuple[str, object]]]:
    """Records (sql text, parameters) of every statement psycopg executes in the block."""
    sent: list[tuple[str, object]] = []
    execute = psycopg.Cursor.execute

    def recording(cursor, query, params=None, **kwargs):
        sent.append((query if isinstance(query, str) else bytes(query).decode(), params))
        return execute(cursor, query, params, **kwargs)

    psycopg.Cursor.execute = recording
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = execute
