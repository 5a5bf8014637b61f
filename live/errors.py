from django.utils.translation import gettext_lazy as _

from common.errors import Conflict, DomainError, PermissionDeniedError, ValidationFailed

MAX_TEXT = 500
MAX_TITLE = 120  # a show's title (Show.title's max_length); the API's input declares it too
TITLE_TOO_LONG = _("A title is at most 120 characters.")
TITLE_MISSING = _("Give the show a title.")


class HookRefused(DomainError):
    """nginx's callback is refused (wrong secret): nginx drops the stream on any non-2xx/3xx answer."""

    code = "hook_refused"
    status = 403
    default_message = _("This callback is not allowed.")


class StreamRefused(Conflict):
    code = "stream_refused"
    default_message = _("This stream cannot go live now.")


class ShopBarredFromLive(PermissionDeniedError):
    code = "live_barred"
    default_message = _("The platform has stopped this shop from going live.")


class Muted(DomainError):
    code = "muted"
    status = 403
    default_message = _("You are muted in this room.")


class SlowMode(DomainError):
    code = "slow_mode"
    status = 429
    default_message = _("Slow mode is on: wait a few seconds between messages.")


class BlockedWordUsed(DomainError):
    code = "blocked_word"
    status = 400
    default_message = _("Your message was not shown: it contains a word this shop does not allow.")


class RoomMessageTooLong(ValidationFailed):
    code = "message_too_long"
    default_message = _("A message in the room is at most 500 characters.")


class RoomClosed(DomainError):
    code = "room_closed"
    status = 409
    default_message = _("This show has ended: the chat is closed.")
