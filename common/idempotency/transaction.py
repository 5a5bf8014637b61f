"""The one write transaction of an idempotent write and the services it calls: lock waits bounded, statements
run last, statements carried in front of the next, and the key's claim riding on the first statement."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection, transaction

from common.db import database_trouble_answered, lock_timeout_set
from common.errors import DrawTaken
from common.idempotency.claims import can_carry_claim

if TYPE_CHECKING:
    from common.idempotency.claims import KeyClaim

T = TypeVar("T")
WRITE_ATTEMPTS = 3  # at a million orders a day a draw is taken once in 10^4 draws; three in a row, once in 10^12


@dataclass
class WriteTransaction:
    """The open write transaction; `run_last` statements run just before its COMMIT, so a hot row they lock is
    held only for that statement and the COMMIT (bench B1). `first`: what the
    transaction's `first` statement returned.

    `carry(sql, params)`: a data-modifying statement (PostgreSQL) that needs no answer and no order of its own
    within the transaction; it travels in front of the next statement run through `with_carried` (as a
    `WITH` query: one round trip for both, bench B1), or on its own before the COMMIT if none comes."""

    lock_wait_ms: int
    last: list[Callable[[], None]] = field(default_factory=list)
    first: Any = None
    carried: list[tuple[str, list]] = field(default_factory=list)
    claim: KeyClaim | None = None  # not yet run: it rides on the transaction's first statement

    def run_last(self, statement: Callable[[], None]) -> None:
        self.last.append(statement)

    def claim_ride(self, execute, sql, params, many, context):
        """Django's execute wrapper while the transaction is open (PostgreSQL): the key's claim, still waiting,
        goes in front of the first statement as a data-modifying `WITH` query when that statement is a plain
        read (one round trip for both, bench B1), else on its own just before it. Its unique violation is
        IdempotencyKeyTaken, its lock timeout (a twin still working) IdempotencyKeyInFlight."""
        claim, self.claim = self.claim, None
        if claim is None:
            return execute(sql, params, many, context)
        if not can_carry_claim(sql, params, many):
            claim.run()
            return execute(sql, params, many, context)
        with claim.answers():
            return execute(f"WITH idempotency_claim AS ({claim.sql}) {sql}", [*claim.params, *params], many, context)

    def claim_flush(self) -> None:
        """The claim, if no statement came to carry it: on its own."""
        claim, self.claim = self.claim, None
        if claim is not None:
            claim.run()

    def carry(self, sql: str, params: list) -> None:
        self.carried.append((sql, list(params)))

    def carried_flush(self) -> None:
        """Runs what is still carried, each on its own."""
        while self.carried:
            sql, params = self.carried.pop(0)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)


_current: contextvars.ContextVar[WriteTransaction | None] = contextvars.ContextVar("write_transaction", default=None)


def with_carried(sql: str, params: list) -> tuple[str, list]:
    """`sql` (one statement without a WITH of its own) and its parameters, with the open write transaction's
    carried statements in front as data-modifying `WITH` queries (which PostgreSQL runs whatever the main
    statement returns); they are no longer carried. Outside a write transaction, or with nothing carried:
    `sql` as it is."""
    tx = _current.get()
    if tx is None or not tx.carried:
        return sql, params
    carried, tx.carried = tx.carried, []
    ctes = ", ".join(f"carried_{i} AS ({statement})" for i, (statement, _params) in enumerate(carried))
    return f"WITH {ctes} {sql}", [value for _sql, values in carried for value in values] + list(params)


@contextlib.contextmanager
def write_transaction(
    *, lock_wait_ms: int, first: Callable[[int], Any] | None = None, claim: KeyClaim | None = None
) -> Iterator[WriteTransaction]:
    """One durable transaction whose row-lock waits are bounded by `lock_wait_ms` (past it: 409 `busy`; a
    database that is gone: 503 `unavailable`, see common.db). Inside an open one it joins it.

    `first(lock_wait_ms)`: the transaction's first statement, which bounds the lock waits itself (the
    Idempotency-Key's claim where it runs at once); what it returns is `tx.first`. `claim` (PostgreSQL): the
    key's claim, which bounds the lock waits itself and rides on the first statement the block runs
    (`WriteTransaction.claim_ride`), or runs on its own at the block's end if none came."""
    current = _current.get()
    if current is not None:
        current.first = first(current.lock_wait_ms) if first is not None else None
        if claim is not None:
            raise RuntimeError("an idempotent write opens its own transaction (its key rides on its first statement)")
        yield current
        return
    opened = WriteTransaction(lock_wait_ms=lock_wait_ms, claim=claim)
    token = _current.set(opened)
    try:
        with (
            database_trouble_answered(),
            transaction.atomic(durable=True),
            connection.execute_wrapper(opened.claim_ride) if claim is not None else contextlib.nullcontext(),
        ):
            if first is not None:
                opened.first = first(lock_wait_ms)
            elif claim is None:  # else the claim sets it, with the first statement
                lock_timeout_set(lock_wait_ms)
            yield opened
            opened.claim_flush()
            for statement in opened.last:
                statement()
            opened.carried_flush()
    finally:
        _current.reset(token)


def write_retried(write: Callable[[], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
    """`write()`, which opens the write transaction, run again while it raises DrawTaken (a number it drew at
    random was taken: everything rolled back, the next run draws anew), at most `attempts` times; then the
    DrawTaken goes up (409 `busy`). Inside an open transaction it runs once: the error rolls back the whole
    transaction, so only its outermost owner can run it again."""
    if _current.get() is not None:
        return write()
    for _attempt in range(attempts - 1):
        with contextlib.suppress(DrawTaken):
            return write()
    return write()
