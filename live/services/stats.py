"""Likes and viewer counts, aggregated in Redis so a like or a join is never a broadcast.

Each server process keeps its rooms' sockets and likes in memory (live.consumers.RoomHub); once a
second it adds its pending likes here, writes its own viewer count, and reads the room's totals, which
it pushes to its own sockets as one `stats` frame (only when they changed). Without Redis (the embedded
demo, one process) the counts live in this process.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.functions import Greatest

from common.cache import raw_redis
from live.models import Show

logger = logging.getLogger(__name__)

# A process that stopped writing its viewer count for this long no longer counts.
VIEWERS_FRESH_SECONDS = 5
_local_likes: dict[int, int] = {}
_local_viewers: dict[int, dict[str, tuple[int, float]]] = {}


def _likes_key(show_id: int) -> str:
    return cache.make_and_validate_key(f"live:likes:{show_id}")  # the cache's prefix keeps runs apart


def _viewers_key(show_id: int) -> str:
    return cache.make_and_validate_key(f"live:viewers:{show_id}")


def room_stats_exchange(*, show_id: int, process: str, viewers: int, new_likes: int) -> tuple[int, int]:
    """Adds this process's pending likes and count; answers the room's (viewers, likes) totals."""
    now = time.time()
    client = raw_redis()
    if client is None:
        likes = _local_likes.get(show_id, 0) + new_likes
        _local_likes[show_id] = likes
        counts = _local_viewers.setdefault(show_id, {})
        counts[process] = (viewers, now)
        total = sum(n for n, at in counts.values() if now - at < VIEWERS_FRESH_SECONDS)
        return total, likes
    pipe = client.pipeline(transaction=False)
    if new_likes:
        pipe.incrby(_likes_key(show_id), new_likes)
    else:
        pipe.get(_likes_key(show_id))
    pipe.hset(_viewers_key(show_id), process, f"{viewers}:{now:.3f}")
    pipe.expire(_viewers_key(show_id), 3600)
    pipe.expire(_likes_key(show_id), 7 * 86400)
    pipe.hgetall(_viewers_key(show_id))
    likes_raw, _hset, _e1, _e2, fields = pipe.execute()
    total = 0
    stale = []
    for field, value in fields.items():
        count, _sep, at = value.decode().partition(":")
        if now - float(at or 0) < VIEWERS_FRESH_SECONDS:
            total += int(count)
        else:
            stale.append(field)
    if stale:
        client.hdel(_viewers_key(show_id), *stale)
    return total, int(likes_raw or 0)


def room_viewers(*, show_id: int) -> int:
    """The room's viewers now (for lists and the show's API answer)."""
    now = time.time()
    client = raw_redis()
    if client is None:
        counts = _local_viewers.get(show_id, {})
        return sum(n for n, at in counts.values() if now - at < VIEWERS_FRESH_SECONDS)
    try:
        fields = client.hgetall(_viewers_key(show_id))
    except Exception:
        logger.warning("viewer count unavailable", exc_info=True)
        return 0
    total = 0
    for value in fields.values():
        count, _sep, at = value.decode().partition(":")
        if now - float(at or 0) < VIEWERS_FRESH_SECONDS:
            total += int(count)
    return total


def room_likes(*, show_id: int) -> int:
    client = raw_redis()
    if client is None:
        return _local_likes.get(show_id, 0)
    try:
        return int(client.get(_likes_key(show_id)) or 0)
    except Exception:
        return 0


def show_stats_save(*, show_id: int, viewers: int | None = None) -> None:
    """Writes the likes (and a new peak of viewers) to the show's row: never lower than what it holds."""
    likes = room_likes(show_id=show_id)
    updates = {"likes": Greatest("likes", likes)}
    if viewers is not None:
        updates["peak_viewers"] = Greatest("peak_viewers", viewers)
    Show.objects.filter(pk=show_id).update(**updates)


def show_stats_flush_on_commit(show_id: int) -> None:
    transaction.on_commit(lambda: show_stats_save(show_id=show_id), robust=True)
