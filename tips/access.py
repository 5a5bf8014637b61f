"""Who may tip: a signed-in viewer of a public show; the service then refuses the show's own shop, viewers
without a completed order and shows that are not live (tips.services)."""

from live.access import access_public_show
from live.models import Show


def access_tip_show(*, user, show_id) -> Show:
    """The show a signed-in viewer tips (the API's permission already refused anonymous callers)."""
    return access_public_show(user=user, show_id=show_id)
