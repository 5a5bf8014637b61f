from django.utils.translation import gettext_lazy as _

from common.errors import DomainError


class ChatMuted(DomainError):
    """The sender reached three contact-detail strikes in 30 days: no chat for a day."""

    code = "chat_muted"
    status = 403
    default_message = _(
        "You cannot send messages for now: several of your messages tried to move the deal off the platform."
    )
