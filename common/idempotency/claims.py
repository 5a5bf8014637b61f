"""The key's row: claimed (riding on the write's first statement on PostgreSQL), its answer stored, asked
whether it was used. Plain statements built once per store, each beside the ORM's version (bench B1)."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, OperationalError, connection, models, transaction

from common.db import is_lock_timeout, lock_timeout_set
from common.idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused, IdempotencyKeyTaken

if TYPE_CHECKING:
    from common.idempotency.transaction import WriteTransaction


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
            if _diag(exc, "constraint_name") == self.constraint:
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


@contextlib.contextmanager
def key_answers(store: type[models.Model]) -> Iterator[None]:
    """Around one statement that writes the key's row, its answer included, with the write itself (bench B1's
    buy-now, orders.services.checkout_one_statement): the key's unique violation is IdempotencyKeyTaken; a
    lock timeout while waiting on the key's unique index (a twin still working: PostgreSQL names the index
    in the error's context) is IdempotencyKeyInFlight. Any other error goes up as it is."""
    constraint = _key_constraint(store)
    try:
        yield
    except IntegrityError as exc:
        if _diag(exc, "constraint_name") == constraint:
            raise IdempotencyKeyTaken() from exc
        raise
    except OperationalError as exc:
        if is_lock_timeout(exc) and f'"{constraint}"' in (_diag(exc, "context") or ""):
            raise IdempotencyKeyInFlight() from exc
        raise


def _diag(exc: BaseException, field: str) -> str | None:
    """A field of PostgreSQL's report on the driver's error under Django's (None elsewhere)."""
    return getattr(getattr(exc.__cause__, "diag", None), field, None)


def key_claim(*, store: type[models.Model], user, key: str, fingerprint: str, lock_wait_ms: int) -> KeyClaim:
    return KeyClaim(
        sql=_claim_sql(store),
        params=[user.pk, key, fingerprint, str(int(lock_wait_ms))],
        constraint=_key_constraint(store),
    )


_LOCKING_READ = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


def can_carry_claim(sql: str, params: Any, many: bool) -> bool:
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


def key_claim_orm(*, store: type[models.Model], user, key: str, fingerprint: str, lock_wait_ms: int) -> models.Model:
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
