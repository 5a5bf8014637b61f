from django.utils.translation import gettext_lazy as _

from common.errors import DomainError, ValidationFailed

MAX_TEXT = 2000
MAX_CLIENT_ID = 64
MAX_REPORT_REASON = 500


class MessageTooLong(ValidationFailed):
    code = "message_too_long"
    status = 400
    default_message = _("A message is at most 2,000 characters.")


class MessageEmpty(ValidationFailed):
    code = "validation_error"
    default_message = _("Write a message first.")


class OwnShopError(DomainError):
    code = "own_shop"
    status = 400
    default_message = _("You cannot chat with your own shop.")
