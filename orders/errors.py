from django.utils.translation import gettext_lazy

from common.errors import Conflict
from common.idempotency import IdempotencyKeyInFlight, IdempotencyKeyReused

__all__ = ["AlreadyReplied", "AlreadyReviewed", "IdempotencyKeyInFlight", "IdempotencyKeyReused"]


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    default_message = gettext_lazy("This item has already been reviewed.")


class AlreadyReplied(Conflict):
    code = "already_replied"
    default_message = gettext_lazy("This review already has a reply.")
