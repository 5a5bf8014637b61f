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
`write_retried(...)` runs a whole write again when a number it drew at random was taken (`DrawTaken`: an
order's number): `@idempotent`, the checkout page and a service that opens its own transaction use it.
On PostgreSQL the claim travels with the write's first statement (`KeyClaim`, bench B1: a buy-now's SKU read
carries it), so a replay is found there: the write is cut short, rolled back, and answered as the first time.
The key's table is the caller's model (`store`) with fields user, key, request_hash, status_code, response_json.
"""

from common.idempotency.claims import (  # noqa: F401 (the package's public names)
    KeyClaim,
    answer_carry,
    answer_store_orm,
    can_carry_claim,
    idempotency_key_used,
    idempotency_key_used_orm,
    key_answers,
    key_claim,
)
from common.idempotency.errors import IdempotencyKeyInFlight, IdempotencyKeyReused, IdempotencyKeyTaken  # noqa: F401
from common.idempotency.transaction import (  # noqa: F401
    WriteTransaction,
    with_carried,
    write_retried,
    write_transaction,
)
from common.idempotency.writes import (  # noqa: F401
    HEADER,
    REPLAYED_HEADER,
    IdempotentWrite,
    answer_stored,
    idempotency_key_from,
    idempotent,
    idempotent_write,
    request_fingerprint,
)
