"""Reads for live selling."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, Value, When

from live.models import BlockedWord, RoomMessage, RoomModerator, Show, ShowStatus
from shops.models import Shop

HISTORY = 50
logger = logging.getLogger(__name__)


def show_list_public(*, shop: Shop | None = None):
    """Live now first, then upcoming (soonest first); ended shows are not listed."""
    queryset = (
        Show.objects.public()
        .filter(status__in=[ShowStatus.LIVE, ShowStatus.SCHEDULED])
        .select_related("shop")
        .annotate(
            live_first=Case(When(status=ShowStatus.LIVE, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("live_first", "starts_at", "id")
    )
    if shop is not None:
        queryset = queryset.filter(shop=shop)
    return queryset


def show_replays(*, shop: Shop, limit: int = 6):
    return list(
        Show.objects.filter(shop=shop, status=ShowStatus.ENDED).exclude(replay="").order_by("-ended_at")[:limit]
    )


def show_list_seller(*, shop: Shop):
    return Show.objects.filter(shop=shop).order_by(
        Case(
            When(status=ShowStatus.LIVE, then=Value(0)),
            When(status=ShowStatus.SCHEDULED, then=Value(1)),
            default=Value(2),
        ),
        "-starts_at",
        "-id",
    )


def shows_viewers_attach(shows):
    """Each show gets `viewers`: the room's count now when live (read by the answer shapes), else 0."""
    from live.services.stats import room_viewers

    for show in shows:
        show.viewers = room_viewers(show_id=show.pk) if show.status == ShowStatus.LIVE else 0
    return shows


def show_detail_attach(show: Show) -> Show:
    """The show's detail: `pinned_card` (the pinned product, or None) and each part's value
    (live.extensions.SHOW_PARTS) as `parts`, the flash deal as `deal` (None when the deals part is absent)."""
    from live.extensions import SHOW_PARTS
    from live.services.pins import pinned_product_load

    show.pinned_card = pinned_product_load(show)
    show.parts = SHOW_PARTS.details(show)
    show.deal = show.parts.get("deal")
    return show


def room_history(*, show: Show, after: int | None = None, limit: int = HISTORY) -> list[RoomMessage]:
    """The last `limit` visible messages, oldest first; with `after`, the ones after that id (up to 500)."""
    queryset = RoomMessage.objects.filter(show=show, hidden=False).select_related("sender")
    if after is not None:
        return list(queryset.filter(id__gt=after).order_by("id")[:500])
    return list(reversed(queryset.order_by("-id")[:limit]))


def shop_blocked_words(*, shop: Shop):
    return BlockedWord.objects.filter(shop=shop)


def shop_room_moderators(*, shop: Shop):
    return RoomModerator.objects.filter(shop=shop).select_related("user")


PAGE_CACHE_SECONDS = 15


def _page_key(shop_id: int | None) -> str:
    return f"live:page:{shop_id or 'home'}"


def shows_for_page_cached(*, shop: Shop | None = None) -> dict:
    """shows_for_page, kept for a few seconds (the home and shop pages are hot); live.services forget it
    when a show is created or changes state. Without the cache, read every time."""
    key = _page_key(shop.pk if shop else None)
    try:
        cached = cache.get(key)
    except Exception:
        cached = None
    if cached is not None:
        return cached
    context = shows_for_page(shop=shop)
    try:
        cache.set(key, context, PAGE_CACHE_SECONDS)
    except Exception:
        logger.warning("live shows not cached", exc_info=True)
    return context


def shows_for_page_forget(*, shop_id: int) -> None:
    try:
        cache.delete_many([_page_key(shop_id), _page_key(None)])
    except Exception:
        logger.warning("live shows cache not cleared", exc_info=True)


def shows_for_page(*, shop: Shop | None = None) -> dict:
    """ "Live now" and "upcoming" for the home page or a shop page (a few of each), and a shop's replays:
    one query."""
    coming = Q(status__in=[ShowStatus.LIVE, ShowStatus.SCHEDULED])
    if shop is None:
        shows = list(show_list_public()[:8])
        replays = []
    else:
        shows = list(
            Show.objects.filter(shop=shop)
            .filter(coming | (Q(status=ShowStatus.ENDED) & ~Q(replay="")))
            .select_related("shop")
            .order_by("-ended_at", "starts_at", "id")[:20]
        )
        replays = [s for s in shows if s.status == ShowStatus.ENDED][:6]
        shows = sorted(
            (s for s in shows if s.status != ShowStatus.ENDED), key=lambda s: (s.status != "live", s.starts_at)
        )
    context = {
        "live_now": [s for s in shows if s.status == ShowStatus.LIVE],
        "upcoming": [s for s in shows if s.status == ShowStatus.SCHEDULED],
    }
    if shop is not None:
        context["replays"] = replays
    return context
