from common.errors import Conflict


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = "This Idempotency-Key was already used with a different request body."


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"
    default_message = "A request with this Idempotency-Key is still being processed. Retry shortly."
