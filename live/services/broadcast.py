"""Room pushes: a frame is serialised once here and handed to the room's group; sockets forward the text."""

from __future__ import annotations

import json
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from live.groups import show_group, show_user_group

logger = logging.getLogger(__name__)


def frame_text(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, default=str)


def _send(group: str, frame: dict, **extra) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "live.frame", "text": frame_text(frame), **extra})
    except Exception:  # stored state is the truth: clients resync with ?after= and the show's page
        logger.exception("live broadcast to %s failed", group)


def show_changed_on_commit(show) -> None:
    """The home and shop pages' "live now / upcoming" forget what they kept."""
    from live.selectors import shows_for_page_forget

    transaction.on_commit(lambda: shows_for_page_forget(shop_id=show.shop_id), robust=True)


def room_push_on_commit(show_id: int, frame: dict, **extra) -> None:
    transaction.on_commit(lambda: _send(show_group(show_id), frame, **extra), robust=True)


def viewer_push_on_commit(show_id: int, user_id: int, frame: dict, **extra) -> None:
    transaction.on_commit(lambda: _send(show_user_group(show_id, user_id), frame, **extra), robust=True)
