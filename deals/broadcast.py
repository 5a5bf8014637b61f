"""`deal` frames to the show's room (through live's one public push function).

Status changes (a new deal, open, ended) are pushed at once. `remaining` changes are coalesced per deal to
at most about one frame per REMAINING_WINDOW_MS: the first change after a quiet window is pushed at once and
opens a window (a Redis key); changes inside the window mark it pending (a second key) and the first of them
queues one flush task for the window's end, which reads the deal then — so no change is ever left unpushed,
and a room of a flash sale gets ~4 frames a second however many claims land.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from common.cache import raw_redis
from deals.selectors import deal_data, deal_load
from live.services.broadcast import room_push_on_commit

logger = logging.getLogger(__name__)

REMAINING_WINDOW_MS = 250


def _keys(deal_id: int) -> tuple[str, str]:
    return (
        cache.make_and_validate_key(f"deals:window:{deal_id}"),
        cache.make_and_validate_key(f"deals:pending:{deal_id}"),
    )


def deal_push(deal_id: int) -> None:
    """Pushes the deal as it is now (one frame, serialised once by live's broadcast)."""
    deal = deal_load(deal_id)
    if deal is None:
        return
    room_push_on_commit(deal.show_id, {"type": "deal", "deal": deal_data(deal, now=timezone.now())})


def deal_push_on_commit(deal_id: int) -> None:
    transaction.on_commit(lambda: deal_push(deal_id), robust=True)


def deal_remaining_changed_on_commit(deal_id: int) -> None:
    transaction.on_commit(lambda: deal_remaining_changed(deal_id), robust=True)


def deal_remaining_changed(deal_id: int) -> None:
    """After a commit that changed `remaining`: push now, or leave it to the window's flush."""
    client = raw_redis()
    if client is None:  # no Redis (the embedded default): every change is pushed
        deal_push(deal_id)
        return
    window, pending = _keys(deal_id)
    try:
        if client.set(window, 1, nx=True, px=REMAINING_WINDOW_MS):
            deal_push(deal_id)
            return
        if not client.set(pending, 1, nx=True, px=10 * REMAINING_WINDOW_MS):
            return  # a flush is already queued and has not read the deal yet: it will include this change
        wait_ms = max(client.pttl(window), 0)
    except Exception:  # Redis trouble: push rather than lose the change
        logger.warning("deal push window unavailable", exc_info=True)
        deal_push(deal_id)
        return
    from deals.tasks import deal_remaining_flush_task

    try:
        deal_remaining_flush_task.apply_async((deal_id,), countdown=wait_ms / 1000)
    except Exception:
        logger.exception("could not queue the deal's flush; pushing now")
        deal_remaining_flush(deal_id)


def deal_remaining_flush(deal_id: int) -> None:
    """The window's end: the pending mark is cleared before the deal is read (a change committed after
    this read finds no mark and queues its own flush), then the window opens again."""
    client = raw_redis()
    if client is not None:
        window, pending = _keys(deal_id)
        try:
            client.delete(pending)
            client.set(window, 1, px=REMAINING_WINDOW_MS)
        except Exception:
            logger.warning("deal push window unavailable", exc_info=True)
    deal_push(deal_id)
