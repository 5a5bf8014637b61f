"""The Idempotency-Key's answers that are not the write's own (409s), and the claim's signal to replay."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from common.errors import Conflict


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = gettext_lazy("This Idempotency-Key was already used with a different request body.")


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"
    default_message = gettext_lazy("A request with this Idempotency-Key is still being processed. Retry shortly.")
    retry_after = 1


class IdempotencyKeyTaken(Exception):
    """The key's claim found the key committed by an earlier request (PostgreSQL): the write's transaction
    rolls back and `idempotent_write` answers as that request did."""
