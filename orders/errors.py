from django.utils.translation import gettext_lazy

from common.errors import Conflict


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    default_message = gettext_lazy("This Idempotency-Key was already used with a different request body.")


class IdempotencyKeyInFlight(Conflict):
    code = "idempotency_key_in_flight"
    default_message = gettext_lazy("A request with this Idempotency-Key is still being processed. Retry shortly.")
    retry_after = 1
