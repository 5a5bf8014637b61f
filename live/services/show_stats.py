"""A show's statistics for its seller and operators: the room (viewers, likes, messages), the orders the show
brought (orders.attribution: source "show"), each pinned product's clicks and orders, and the rows the
show's parts add (deals, tips: live.extensions.SHOW_PARTS). Also the room's unique viewers (a HyperLogLog
in Redis: one PFADD per room page view)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Q, Sum

from common.cache import raw_redis
from live.extensions import SHOW_PARTS
from live.models import RoomMessage, Show, ShowPin, ShowStatus
from live.services.pins import pin_clicks
from live.services.stats import room_likes, room_viewers
from orders.models import Order, OrderLine

logger = logging.getLogger(__name__)

SOURCE_KIND = "show"
PAID = [Order.Status.PAID, Order.Status.SHIPPED, Order.Status.COMPLETED]
UNIQUE_KEEP_SECONDS = 90 * 86400
_local_unique: dict[int, set[str]] = {}


def _unique_key(show_id: int) -> str:
    return cache.make_and_validate_key(f"live:unique:{show_id}")


def room_visit(*, show_id: int, visitor: str) -> None:
    """Counts a visitor of the room (a user id, or the anonymous visitor's cookie) once per show."""
    client = raw_redis()
    if client is None:
        _local_unique.setdefault(show_id, set()).add(visitor)
        return
    try:
        pipe = client.pipeline(transaction=False)
        pipe.pfadd(_unique_key(show_id), visitor)
        pipe.expire(_unique_key(show_id), UNIQUE_KEEP_SECONDS)
        pipe.execute()
    except Exception:
        logger.warning("room visit not counted", exc_info=True)


def room_unique_viewers(*, show_id: int) -> int:
    client = raw_redis()
    if client is None:
        return len(_local_unique.get(show_id, ()))
    try:
        return int(client.pfcount(_unique_key(show_id)))
    except Exception:
        logger.warning("unique viewers unavailable", exc_info=True)
        return 0


def show_orders(show: Show):
    return Order.objects.filter(source_kind=SOURCE_KIND, source_id=show.pk)


def _pinned_rows(show: Show) -> list[dict]:
    pinned = {}
    for product_id, title in ShowPin.objects.filter(show=show).values_list("product_id", "product__title"):
        pinned.setdefault(product_id, title)
    if not pinned:
        return []
    sold = {
        row["product_id"]: row
        for row in OrderLine.objects.filter(
            order__source_kind=SOURCE_KIND, order__source_id=show.pk, order__status__in=PAID, product_id__in=pinned
        )
        .values("product_id")
        .annotate(orders=Count("order_id", distinct=True), quantity=Sum("quantity"), sales=Sum("subtotal"))
    }
    clicks = pin_clicks(show_id=show.pk)
    return [
        {
            "product": product_id,
            "title": title,
            "clicks": clicks.get(product_id, 0),
            "orders": sold.get(product_id, {}).get("orders", 0),
            "quantity": sold.get(product_id, {}).get("quantity") or 0,
            "sales": sold.get(product_id, {}).get("sales") or Decimal("0.00"),
        }
        for product_id, title in pinned.items()
    ]


def show_statistics(*, show: Show) -> dict:
    """The figures of ShowStatsOut."""
    orders = show_orders(show).aggregate(
        placed=Count("id"), paid=Count("id", filter=Q(status__in=PAID)), sales=Sum("total", filter=Q(status__in=PAID))
    )
    live = show.status == ShowStatus.LIVE
    viewers_now = room_viewers(show_id=show.pk) if live else 0
    return {
        "show": show.pk,
        "status": show.status,
        "viewers_now": viewers_now,
        "peak_viewers": max(show.peak_viewers, viewers_now),
        "unique_viewers": room_unique_viewers(show_id=show.pk),
        "likes": max(show.likes, room_likes(show_id=show.pk)),
        "messages": RoomMessage.objects.filter(show=show).count(),
        "orders": orders["placed"],
        "paid_orders": orders["paid"],
        "sales": orders["sales"] or Decimal("0.00"),
        "currency": "CNY",
        "pinned": _pinned_rows(show),
        "parts": SHOW_PARTS.stats(show),
    }
