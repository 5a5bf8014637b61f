"""Room pushes: a frame is serialised once here and handed to the room's group; sockets forward the text."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import weakref

from channels.layers import get_channel_layer
from django.db import transaction

from common.ws import from_sync
from live.groups import show_group, show_user_group
from live.serializers import room_message_text

logger = logging.getLogger(__name__)


def frame_text(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, default=str)


def _send(group: str, frame: dict, **extra) -> None:
    _send_event(group, {"type": "live.frame", "text": frame_text(frame), **extra})


# Set by a room socket around its database work (live.consumers): the event loop that waits for it. A push
# from that work is handed to the loop instead of holding the database thread until it is sent.
push_loop: contextvars.ContextVar[asyncio.AbstractEventLoop | None] = contextvars.ContextVar(
    "live_push_loop", default=None
)


def _send_event(group: str, event: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = push_loop.get()
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(_send_in_loop, layer, group, event)
        return
    try:
        from_sync(layer.group_send, group, event)
    except Exception:  # stored state is the truth: clients resync with ?after= and the show's page
        logger.exception("live broadcast to %s failed", group)


# A loop's groups with a send in flight -> the events that came meanwhile (they go next, as one event).
_waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, list[dict]]] = weakref.WeakKeyDictionary()
_pending: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks


def _send_in_loop(layer, group: str, event: dict) -> None:
    """One group_send at a time per group from this process: what is pushed while one is in flight waits
    and goes next as ONE event ({"events": [...]}, in order). A room reads its events one at a time, each
    a few Redis round trips (bench B6): under load, fewer and fuller events instead of a queue that grows;
    when the room is quiet, an event goes at once."""
    loop = asyncio.get_running_loop()
    waiting = _waiting.setdefault(loop, {})
    if group in waiting:
        waiting[group].append(event)
        return
    waiting[group] = []
    task = loop.create_task(_send_in_turn(layer, group, event, waiting))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


async def _send_in_turn(layer, group: str, event: dict, waiting: dict[str, list[dict]]) -> None:
    try:
        while True:
            try:
                await layer.group_send(group, event)
            except Exception:  # stored state is the truth: clients resync with ?after= and the show's page
                logger.exception("live broadcast to %s failed", group)
            more, waiting[group] = waiting[group], []
            if not more:
                return
            event = more[0] if len(more) == 1 else {"type": "live.frame", "events": more}
    finally:
        del waiting[group]


def show_changed_on_commit(show) -> None:
    """The home and shop pages' "live now / upcoming" forget what they kept."""
    from live.selectors import shows_for_page_forget

    transaction.on_commit(lambda: shows_for_page_forget(shop_id=show.shop_id), robust=True)


def room_push_on_commit(show_id: int, frame: dict, **extra) -> None:
    transaction.on_commit(lambda: _send(show_group(show_id), frame, **extra), robust=True)


def room_refresh_on_commit(show_id: int, kind: str, key: int | None = None) -> None:
    """After the commit: the room rebuilds its `kind` frame for `key` from the database and pushes it, at once
    or with the other changes of the window (live.push_window; `kind` registered in ROOM_FRAMES)."""
    event = {"type": "live.frame", "refresh": kind, "key": key}
    transaction.on_commit(lambda: _send_event(show_group(show_id), event), robust=True)


def room_message_push_on_commit(message) -> None:
    """A room message, serialised once here; the room's processes join messages into `chat_batch`
    frames (live.room_hub) without serialising them again."""
    event = {"type": "live.frame", "message_id": message.pk, "text": room_message_text(message)}
    transaction.on_commit(lambda: _send_event(show_group(message.show_id), event), robust=True)


def viewer_push_on_commit(show_id: int, user_id: int, frame: dict, **extra) -> None:
    transaction.on_commit(lambda: _send(show_user_group(show_id, user_id), frame, **extra), robust=True)
