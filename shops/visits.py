"""Visitors per shop per day, for the seller center: one Redis HyperLogLog per shop and day.

A product or shop page adds the visitor (a signed-in user's id, else the session, else the client's
address) with PFADD: one round trip, at most 12 KB per key whatever the traffic, and unique visitors
are counted, not page views. Keys expire after VISITS_KEEP_DAYS. Without Redis (a cache that is not
Redis, or Redis down) nothing is counted and the seller center shows no visitor figures rather than an
error: counting visitors must never break a page.
"""

from __future__ import annotations

import contextlib
import hashlib
from datetime import date

from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from common.cache import raw_redis

VISITS_KEEP_DAYS = 35


def _key(shop_id: int, day: date) -> str:
    return cache.make_key(f"shop-visitors:{shop_id}:{day:%Y%m%d}")


def visitor_id(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        return "s" + session.session_key
    address = request.META.get("REMOTE_ADDR", "") + "|" + request.META.get("HTTP_USER_AGENT", "")[:200]
    return "a" + hashlib.blake2b(address.encode(), digest_size=8).hexdigest()


def shop_visit_record(*, shop_id: int, request) -> None:
    """Counts this visitor for the shop today (site zone). Never raises."""
    client = raw_redis()
    if client is None:
        return
    key = _key(shop_id, timezone.localdate())
    with contextlib.suppress(RedisError, OSError):
        pipe = client.pipeline(transaction=False)
        pipe.pfadd(key, visitor_id(request))
        pipe.expire(key, VISITS_KEEP_DAYS * 86400)
        pipe.execute()


def shop_visitors(*, shop_id: int, days: list[date], union: list[date] | None = None) -> tuple[list[int], int] | None:
    """Unique visitors on each of `days`, and across the days of `union` (a visitor counted once). One
    round trip; None when Redis is missing or down (nothing was counted: no figure, rather than a 0)."""
    client = raw_redis()
    if client is None:
        return None
    try:
        pipe = client.pipeline(transaction=False)
        for day in days:
            pipe.pfcount(_key(shop_id, day))
        if union:
            pipe.pfcount(*[_key(shop_id, day) for day in union])
        counts = pipe.execute()
    except (RedisError, OSError):
        return None
    return [int(n) for n in counts[: len(days)]], int(counts[len(days)]) if union else 0
