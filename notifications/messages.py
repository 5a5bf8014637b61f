"""The notification templates: every text a notification, its e-mail or a chat notice shows, in one place.

A notification stores the name of its template and the values it needs (`params`), never finished text:
it is rendered with gettext when it is read, in the reader's language (the page's, or for pushes and
e-mails the recipient's `User.language`), so one catalogue (locale/) holds every string and a person who
switches language reads their old notices in the new one too. Values are data (an order number, a shop's
name, what a person wrote), never words to translate.
"""

from __future__ import annotations

from contextlib import nullcontext

from django.utils import translation
from django.utils.translation import gettext_lazy as _

MAX_TEXT = 500

MESSAGES = {
    # orders (notifications/orders.py says who hears which)
    "order_new": _("New order %(number)s: ¥%(total)s, awaiting payment"),
    "order_paid": _("Order %(number)s is paid (¥%(total)s): please ship it"),
    "order_shipped": _("Your order %(number)s has shipped: %(carrier)s %(tracking)s"),
    "order_price_changed": _(
        "The seller lowered order %(number)s from ¥%(previous)s to ¥%(total)s: pay the new amount"
    ),
    "order_completed": _("Order %(number)s: receipt confirmed, the money is settling"),
    "auto_confirm_soon": _(
        "Order %(number)s will be confirmed as received within 24 hours; ask for a refund now if something is wrong"
    ),
    "refund_requested": _("The buyer of order %(number)s asks for a refund: please answer"),
    "refund_accepted": _("The seller accepted your refund for order %(number)s"),
    "refund_rejected": _("The seller refused your refund for order %(number)s; the platform will decide"),
    "refund_escalated": _("The refund for order %(number)s went to the platform"),
    "refund_denied": _("The platform turned down the refund for order %(number)s"),
    "refunded": _("The refund for order %(number)s is back in your account"),
    "review_received": _("Order %(number)s received a new review (%(rating)s stars)"),
    # shops, listings, money, staff
    "shop_approved": _("Your shop “%(shop)s” is approved: its products are public"),
    "shop_suspended": _("Your shop “%(shop)s” is suspended"),
    "shop_suspended_reason": _("Your shop “%(shop)s” is suspended: %(reason)s"),
    "product_delisted": _("“%(product)s” was delisted by the platform. Edit it, then ask for a review."),
    "product_delisted_reason": _(
        "“%(product)s” was delisted by the platform: %(reason)s. Edit it, then ask for a review."
    ),
    "product_review_approved": _("“%(product)s” passed the review and is on sale again"),
    "product_review_rejected": _("The review of “%(product)s” was turned down"),
    "product_review_rejected_reason": _("The review of “%(product)s” was turned down: %(reason)s"),
    "payout_paid": _("Payout of ¥%(amount)s sent to your bank"),
    "payout_failed": _("Payout of ¥%(amount)s failed: %(reason)s"),
    "staff_invited": _("“%(shop)s” invited you to help run the shop as staff. Accept or decline within 7 days."),
    "staff_removed": _("You no longer work for “%(shop)s”: the owner removed you from its staff."),
    "staff_left": _("%(username)s left your shop's staff."),
    # chat and live
    "chat_waiting": _("%(name)s wrote to you and is waiting for an answer: %(previews)s"),
    "show_live": _("“%(shop)s” is live: %(title)s"),
}


class _Params(dict):
    """A value a template names but the notification lacks (a translation's typo) shows as nothing."""

    def __missing__(self, key: str) -> str:
        return ""


def message_render(message: str, params: dict, *, language: str | None = None, fallback: str = "") -> str:
    """The text of template `message` with `params`, in `language` (None: the active one).

    `fallback` is shown for a notification with no template (written before templates existed)."""
    template = MESSAGES.get(message)
    if template is None:
        return fallback[:MAX_TEXT]
    with translation.override(language) if language else nullcontext():
        return (str(template) % _Params(params or {}))[:MAX_TEXT]
