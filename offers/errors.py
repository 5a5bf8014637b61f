from django.utils.translation import gettext_lazy as _

from common.errors import InvalidState


class OfferNotPending(InvalidState):
    code = "invalid_state"
    default_message = _("This offer is no longer open.")
