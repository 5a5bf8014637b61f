"""Idempotent writes: the request's key and fingerprint, `idempotent_write` (pages) and `@idempotent` (APIs)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _
from rest_framework.response import Response

from common.errors import ValidationFailed
from common.idempotency.claims import answer_carry, key_claim, key_claim_orm
from common.idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused, IdempotencyKeyTaken
from common.idempotency.transaction import write_retried, write_transaction

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


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
        replayed = answer_stored(store=store, user=user, key=key, fingerprint=fingerprint)
        if replayed is None:  # committed by the earlier request, so not gone unless deleted since
            raise IdempotencyKeyInFlight() from None
        write.replayed, write.status_code, write.body = True, replayed.status_code, replayed.body


def answer_stored(*, store: type[models.Model], user, key: str, fingerprint: str) -> IdempotentWrite | None:
    """The first answer under this user's key, to replay (None: the key is not in the store). Another body
    than the first one's: 409 reused; a key stored without its answer (not by this code): 409 in flight."""
    existing = store.objects.filter(user=user, key=key).first()
    if existing is None:
        return None
    if existing.request_hash != fingerprint:
        raise IdempotencyKeyReused()
    if existing.status_code is None:
        raise IdempotencyKeyInFlight()
    return IdempotentWrite(claim=existing, replayed=True, status_code=existing.status_code, body=existing.response_json)


def _idempotent_write_claimed_first(
    *, store: type[models.Model], user, key: str, fingerprint: str, lock_wait_ms: int
) -> Iterator[IdempotentWrite]:
    """`idempotent_write` on other databases: the claim is the transaction's first statement, on its own."""

    def claim_key(lock_wait_ms: int) -> models.Model:
        return key_claim_orm(store=store, user=user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms)

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
    *,
    store: type[models.Model],
    lock_wait_ms: Callable[[], int],
    before: Callable[[Any], None] | None = None,
    writes_itself: Callable[..., IdempotentWrite | None] | None = None,
) -> Callable:
    """Decorates an APIView method: `before(request)` first (a rate limit: a limited request never reaches
    the database), then the method runs inside `idempotent_write` and its Response is stored or replayed; a
    write that drew a number already taken runs again (`write_retried`).

    `writes_itself(view, request, key=, fingerprint=)`: a write that stores its answer with the key itself, in
    its own statement (bench B1's buy-now, orders.services.checkout_one_statement), or None when the request
    is not one it takes (then the method runs as above). What it returns is answered (or replayed) as is.
    Sets `accepts_idempotency_key` on the method, which the schema reads to document the header."""

    def decorate(method: Callable) -> Callable:
        @functools.wraps(method)
        def wrapper(view, request, *args, **kwargs):
            if before is not None:
                before(request)
            key = idempotency_key_from(request, store=store)
            fingerprint = request_fingerprint(request.data) if key is not None else ""

            def run() -> tuple[IdempotentWrite, Response | None]:
                response = None
                with idempotent_write(
                    store=store, user=request.user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms()
                ) as write:
                    if not write.replayed:
                        response = method(view, request, *args, **kwargs)
                        write.answer(response.status_code, response.data)
                return write, response

            own = writes_itself(view, request, key=key, fingerprint=fingerprint) if writes_itself else None
            write, response = (own, None) if own is not None else write_retried(run)
            if response is None and not write.replayed:
                return Response(write.body, status=write.status_code)
            if write.replayed:  # known at once, or when the claim met the earlier request's key
                return Response(write.body, status=write.status_code, headers={REPLAYED_HEADER: "true"})
            return response

        wrapper.accepts_idempotency_key = True  # type: ignore[attr-defined]
        return wrapper

    return decorate
