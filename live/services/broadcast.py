"""Room pushes: a frame is serialised once here and handed to the room's group; sockets forward the text."""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

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
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # stored state is the truth: clients resync with ?after= and the show's page
        logger.exception("live broadcast to %s failed", group)


def _send_in_loop(layer, group: str, event: dict) -> None:
    task = asyncio.get_running_loop().create_task(layer.group_send(group, event))
    _pending.add(task)
    task.add_done_callback(_sent)


_pending: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks


def _sent(task: asyncio.Task) -> None:
    _pending.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("live broadcast failed", exc_info=task.exception())


def show_changed_on_commit(show) -> None:
    """The home and shop pages' "live now / upcoming" forget what they kept."""
    from live.selectors import shows_for_page_forget

    transaction.on_commit(lambda: shows_for_page_forget(shop_id=show.shop_id), robust=True)


def room_push_on_commit(show_id: int, frame: dict, **extra) -> None:
    transaction.on_commit(lambda: _send(show_group(show_id), frame, **extra), robust=True)


def room_message_push_on_commit(message) -> None:
    """A room message, serialised once here; the room's processes join messages into `chat_batch`
    frames (live.room_hub) without serialising them again."""
    event = {"type": "live.frame", "message_id": message.pk, "text": room_message_text(message)}
    transaction.on_commit(lambda: _send_event(show_group(message.show_id), event), robust=True)


def viewer_push_on_commit(show_id: int, user_id: int, frame: dict, **extra) -> None:
    transaction.on_commit(lambda: _send(show_user_group(show_id, user_id), frame, **extra), robust=True)
