"""A transaction held open by another thread, for tests of what waits on (or skips) its locks."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection, transaction


@contextlib.contextmanager
def transaction_held_open(work: Callable[[], Any], *, rollback: bool = False, timeout: float = 10) -> Iterator[Any]:
    """Runs `work()` in a transaction on another thread's own connection and keeps that transaction open (its
    locks held) for the block, which gets what `work` returned; after the block it commits, or rolls back."""
    held, release, result, failed = threading.Event(), threading.Event(), [], []

    def hold() -> None:
        try:
            with transaction.atomic():
                try:
                    result.append(work())
                except Exception as exc:  # raised in the test's thread, not lost in this one
                    failed.append(exc)
                    transaction.set_rollback(True)
                    held.set()
                    return
                held.set()
                release.wait(timeout * 3)
                if rollback:
                    transaction.set_rollback(True)
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(timeout), "the other transaction never got its locks"
        if failed:
            raise failed[0]
        yield result[0]
    finally:
        release.set()
        thread.join(timeout)
