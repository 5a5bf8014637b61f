"""Idempotency-Key: a money-moving write answers once; the same key and body replay that first answer.

`@idempotent(store=..., lock_wait_ms=...)` on an API method claims the client's key (per user) in the write's
transaction, runs the method, stores whatever it answers (status and body) with the key, and commits both
together. The same key with the same body replays the stored answer (header `Idempotent-Replayed: true`); with
another body it is a 409 `idempotency_key_reused`; a twin request still running blocks on the key's unique
index until the first one ends (then replays it, or goes ahead if the first rolled back), for at most
`lock_wait_ms`, then gets a 409 `idempotency_key_in_flight`. An error answer is never stored: its transaction
rolls back with the claim, and the client may retry with the same key.

`idempotent_write(...)` is the same as a context manager, for pages; `write_transaction(...)` is the one
transaction both run in, which the service joins (re-entrant: no savepoint, no second lock-timeout statement).
On PostgreSQL the claim travels with the write's first statement (`KeyClaim`, bench B1: a buy-now's SKU read
carries it), so a replay is found there: the write is cut short, rolled back, and answered as the first time.
The key's table is the caller's model (`store`) with fields user, key, request_hash, status_code, response_json.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.response import Response

from common.db import database_trouble_answered, is_lock_timeout, lock_timeout_set
from common.errors import Conflict, ValidationFailed

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = gettext_lazy("This Idempotency-Key was already used with a different request body.")


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"
    default_message = gettext_lazy("A request with this Idempotency-Key is still being processed. Retry shortly.")
    retry_after = 1


# --- the write's transaction ---------------------------------------------------------------------------


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
        if not _can_carry_claim(sql, params, many):
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


# --- the key ----------------------------------------------------------------------------------------------


def request_fingerprint(data: Any) -> str:
    """What makes two requests "the same body": the parsed body, keys sorted."""
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def idempotency_key_from(request, *, store: type[models.Model]) -> str | None:
    """The request's Idempotency-Key header (blank: none); longer than the store's column: 400."""
    key = request.headers.get(HEADER, "").strip() or None
    max_length = store._meta.get_field("key").max_length
    if key is not None and len(key) > max_length:
        raise ValidationFailed(fields={HEADER: [_("At most %(n)d characters.") % {"n": max_length}]})
    return key


class IdempotencyKeyTaken(Exception):
    """The key's claim found the key committed by an earlier request (PostgreSQL): the write's transaction
    rolls back and `idempotent_write` answers as that request did."""


@dataclass(frozen=True)
class KeyClaim:
    """The key's claim on PostgreSQL: one plain INSERT (no ON CONFLICT: a key already there is a unique
    violation) that also sets the transaction's lock timeout (`set_config(…, is_local)`, i.e. `SET LOCAL`,
    evaluated for the row it inserts, so before any wait on a twin's key). It runs with the write
    transaction's first statement (`WriteTransaction.claim_ride`). A twin request still running holds the
    key's index entry: the INSERT waits until it ends — then a unique violation (it committed: replay) or the
    row (it rolled back: go ahead) — for at most the lock timeout (IdempotencyKeyInFlight)."""

    sql: str
    params: list
    constraint: str

    @contextlib.contextmanager
    def answers(self) -> Iterator[None]:
        """Around the statement that carries the claim: the claim's own errors as the key's answers. Any
        other database error (a lost connection) goes up, and the client gets a 503 to retry."""
        try:
            yield
        except IntegrityError as exc:
            if getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None) == self.constraint:
                raise IdempotencyKeyTaken() from exc
            raise
        except OperationalError as exc:
            if is_lock_timeout(exc):  # the carrying statement is a plain read: only the claim waits
                raise IdempotencyKeyInFlight() from exc
            raise

    def run(self) -> None:
        """On its own (no statement could carry it)."""
        with self.answers(), connection.cursor() as cursor:
            cursor.execute(self.sql, self.params)


def key_claim(*, store: type[models.Model], user, key: str, fingerprint: str, lock_wait_ms: int) -> KeyClaim:
    return KeyClaim(
        sql=_claim_sql(store),
        params=[user.pk, key, fingerprint, str(int(lock_wait_ms))],
        constraint=_key_constraint(store),
    )


_LOCKING_READ = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


def _can_carry_claim(sql: str, params: Any, many: bool) -> bool:
    """A plain read takes the claim in front of it: one SELECT with positional parameters (a statement
    without any keeps its text as it is: its `%` are not placeholders), that locks no row — so a lock
    timeout in it can only be the claim's."""
    return (
        not many
        and isinstance(params, list | tuple)
        and sql.lstrip()[:7].upper() == "SELECT "
        and not _LOCKING_READ.search(sql)
    )


@functools.cache
def _key_constraint(store: type[models.Model]) -> str:
    """The name of the store's unique constraint on (user, key)."""
    return next(
        c.name
        for c in store._meta.constraints
        if isinstance(c, models.UniqueConstraint) and set(c.fields) == {"user", "key"}
    )


def _claim(*, store: type[models.Model], user, key: str, fingerprint: str, lock_wait_ms: int) -> models.Model:
    """The key's claim on other databases (the embedded SQLite), as the write transaction's first statement:
    the key's row, or the one already there (a replay, a reused key, or a twin in flight)."""
    lock_timeout_set(lock_wait_ms)
    try:
        with transaction.atomic():
            return store.objects.create(user=user, key=key, request_hash=fingerprint)
    except IntegrityError:
        existing = store.objects.get(user=user, key=key)
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status_code is None:
        raise IdempotencyKeyInFlight()
    return existing


@functools.cache
def _claim_sql(store: type[models.Model]) -> str:
    q = connection.ops.quote_name  # identifiers from the model's metadata only; values are parameters
    return (
        f"INSERT INTO {q(store._meta.db_table)} "  # noqa: S608
        f"({q('user_id')}, {q('key')}, {q('request_hash')}, {q('created_at')}, {q('updated_at')}) "
        "SELECT %s, %s, %s, now(), now() FROM (SELECT set_config('lock_timeout', %s, true)) AS lock_wait"
    )


_ANSWER_FIELDS = ("status_code", "response_json", "updated_at")


def _answer_statement(claim: models.Model) -> tuple[str, list]:
    """`claim.save(update_fields=["status_code", "response_json", "updated_at"])` as one plain UPDATE built
    once per store (PostgreSQL), the values converted by the fields themselves (`pre_save`,
    `get_db_prep_save`: the ORM's own conversions) — the ORM's save spent ~0.3 ms of CPU compiling it. The row
    is found by its user and key (its unique index): a claim carried by a read never learns its id."""
    store = type(claim)
    fields = [store._meta.get_field(name) for name in _ANSWER_FIELDS]
    claim.updated_at = fields[2].pre_save(claim, add=False)
    values = [field.get_db_prep_save(getattr(claim, field.attname), connection) for field in fields]
    return _answer_sql(store), [*values, claim.user_id, claim.key]


def answer_carry(claim: models.Model, tx: WriteTransaction) -> None:
    """The answer kept with its key, on every idempotent write (bench B1's checkout): on PostgreSQL the UPDATE
    is carried by the transaction's next statement (`WriteTransaction.carry`: a checkout's stock UPDATE takes
    it, one round trip less per checkout), else run before the COMMIT; elsewhere the ORM's save, at once."""
    if connection.vendor != "postgresql":
        return answer_store_orm(claim)
    tx.carry(*_answer_statement(claim))


def answer_store_orm(claim: models.Model) -> None:
    claim.save(update_fields=list(_ANSWER_FIELDS))


@functools.cache
def _answer_sql(store: type[models.Model]) -> str:
    q = connection.ops.quote_name  # identifiers from the model's metadata only
    columns = ", ".join(f"{q(store._meta.get_field(name).column)} = %s" for name in _ANSWER_FIELDS)
    user, key = (q(store._meta.get_field(name).column) for name in ("user", "key"))
    return f"UPDATE {q(store._meta.db_table)} SET {columns} WHERE {user} = %s AND {key} = %s"  # noqa: S608


def idempotency_key_used(*, store: type[models.Model], user_id: int, key: str) -> bool:
    """Whether this user's key is in the store (committed): `store.objects.filter(user_id=…, key=…).exists()`.

    The stock gate asks it on every refusal of a sold-out SKU under an Idempotency-Key (bench B1): on
    PostgreSQL one plain statement on the key's unique index, built once per store — the ORM spent ~0.5 ms of
    CPU compiling the same query, a fifth of the refusal. Elsewhere (the embedded SQLite) the ORM's query.
    tests/test_idempotency_key_used.py runs both on the same rows."""
    if connection.vendor != "postgresql":
        return idempotency_key_used_orm(store=store, user_id=user_id, key=key)
    with connection.cursor() as cursor:
        cursor.execute(_key_used_sql(store), [user_id, key])
        return cursor.fetchone() is not None


def idempotency_key_used_orm(*, store: type[models.Model], user_id: int, key: str) -> bool:
    return store.objects.filter(user_id=user_id, key=key).exists()


@functools.cache
def _key_used_sql(store: type[models.Model]) -> str:
    q = connection.ops.quote_name  # identifiers from the model's metadata only; user and key are parameters
    user, key = (q(store._meta.get_field(name).column) for name in ("user", "key"))
    return f"SELECT 1 FROM {q(store._meta.db_table)} WHERE {user} = %s AND {key} = %s LIMIT 1"  # noqa: S608


@dataclass
class IdempotentWrite:
    """Inside `idempotent_write`: either `replayed` (the first answer is `status_code`, `body`), or the caller
    does the write and calls `answer(status_code, body)` with what it answers (plain JSON)."""

    claim: models.Model | None
    replayed: bool = False
    status_code: int | None = None
    body: Any = None

    def answer(self, status_code: int, body: Any) -> Any:
        self.status_code, self.body = status_code, body
        return body


@contextlib.contextmanager
def idempotent_write(
    *, store: type[models.Model], user, key: str | None, fingerprint: str, lock_wait_ms: int
) -> Iterator[IdempotentWrite]:
    """The write's transaction with the key claimed (no key: just the transaction). The answer given to
    `answer()` is stored with the first of the transaction's last statements that takes it (`with_carried`),
    else just before its COMMIT.

    On PostgreSQL the claim rides on the block's first statement (`KeyClaim`): when the key turns out to be
    an earlier request's, the block is cut short there, everything rolls back, and the block ends with
    `replayed` set — so the caller looks at `replayed` (and `status_code`, `body`) after the block too."""
    if key is None:
        with write_transaction(lock_wait_ms=lock_wait_ms):
            yield IdempotentWrite(claim=None)
        return
    if connection.vendor != "postgresql":
        yield from _idempotent_write_claimed_first(
            store=store, user=user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms
        )
        return
    claim = store(user=user, key=key, request_hash=fingerprint)
    write = IdempotentWrite(claim=claim)
    try:
        with write_transaction(
            lock_wait_ms=lock_wait_ms,
            claim=key_claim(store=store, user=user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms),
        ) as tx:
            yield write
            if write.status_code is None:
                raise RuntimeError("an idempotent write ended without an answer to store")
            claim.status_code, claim.response_json = write.status_code, write.body
            answer_carry(claim, tx)
    except IdempotencyKeyTaken:
        existing = store.objects.get(user=user, key=key)  # committed by the earlier request
        if existing.request_hash != fingerprint:
            raise IdempotencyKeyReused() from None
        if existing.status_code is None:  # a key stored without its answer (not by this code): not replayable
            raise IdempotencyKeyInFlight() from None
        write.replayed, write.status_code, write.body = True, existing.status_code, existing.response_json


def _idempotent_write_claimed_first(
    *, store: type[models.Model], user, key: str, fingerprint: str, lock_wait_ms: int
) -> Iterator[IdempotentWrite]:
    """`idempotent_write` on other databases: the claim is the transaction's first statement, on its own."""

    def claim_key(lock_wait_ms: int) -> models.Model:
        return _claim(store=store, user=user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms)

    with write_transaction(lock_wait_ms=lock_wait_ms, first=claim_key) as tx:
        claim = tx.first
        if claim.status_code is not None:
            yield IdempotentWrite(claim=claim, replayed=True, status_code=claim.status_code, body=claim.response_json)
            return
        write = IdempotentWrite(claim=claim)
        yield write
        if write.status_code is None:
            raise RuntimeError("an idempotent write ended without an answer to store")
        claim.status_code, claim.response_json = write.status_code, write.body
        answer_carry(claim, tx)


def idempotent(
    *, store: type[models.Model], lock_wait_ms: Callable[[], int], before: Callable[[Any], None] | None = None
) -> Callable:
    """Decorates an APIView method: `before(request)` first (a rate limit: a limited request never reaches
    the database), then the method runs inside `idempotent_write` and its Response is stored or replayed.
    Sets `accepts_idempotency_key` on the method, which the schema reads to document the header."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(view, request, *args, **kwargs):
            if before is not None:
                before(request)
            key = idempotency_key_from(request, store=store)
            fingerprint = request_fingerprint(request.data) if key is not None else ""
            response = None
            with idempotent_write(
                store=store, user=request.user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms()
            ) as write:
                if not write.replayed:
                    response = method(view, request, *args, **kwargs)
                    write.answer(response.status_code, response.data)
            if write.replayed:  # known at once, or when the claim met the earlier request's key
                return Response(write.body, status=write.status_code, headers={REPLAYED_HEADER: "true"})
            return response

        wrapper.accepts_idempotency_key = True  # type: ignore[attr-defined]
        return wrapper

    return decorate
