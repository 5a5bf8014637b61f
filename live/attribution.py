"""Orders placed from a show's room remember the show (orders.attribution, source "show:<id>")."""

from __future__ import annotations

from contextvars import ContextVar

from django.utils.translation import gettext as _

from live.models import Show
from orders.attribution import ORDER_SOURCES

KIND = "show"
# Set while a checkout names a show (this request's context): live's receiver of orders' events reads the
# placed orders' sources only then, so an ordinary checkout costs live no query (bench B1).
SHOW_CHECKOUT: ContextVar[bool] = ContextVar("live_show_checkout", default=False)


def show_source_resolve(show_id: int, buyer) -> int | None:
    """The shop whose orders the show covers; None for a show that is not there or not public."""
    shop_id = Show.objects.public().filter(pk=show_id).values_list("shop_id", flat=True).first()
    if shop_id is not None:
        SHOW_CHECKOUT.set(True)
    return shop_id


def show_source_label(order) -> tuple[str, str] | None:
    show = Show.objects.filter(pk=order.source_id).only("pk", "title").first()
    if show is None:
        return None
    return _("From the live show “%(title)s”") % {"title": show.title}, show.room_url


def connect() -> None:
    ORDER_SOURCES.register(kind=KIND, resolve=show_source_resolve, label=show_source_label)
