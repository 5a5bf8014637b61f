"""Chat's pushes: handed to the channel layer after commit, in one trip from the sync thread."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels.layers import get_channel_layer
from django.db import transaction

from chat.fast_paths import unread_side_totals
from chat.groups import conversation_group, shop_group, user_group
from chat.models import Conversation, Role
from chat.serializers import conversation_out
from common.ws import from_sync

logger = logging.getLogger(__name__)

Event = tuple[str, dict[str, Any]]


def broadcast_send(events: list[Event]) -> None:
    """Hands (group, event) pairs to the channel layer in one trip from this sync thread; they go out
    concurrently. Called on commit, so a failure loses nothing stored: clients resync with ?after=."""
    layer = get_channel_layer()
    if layer is None or not events:
        return

    async def send_all() -> None:
        results = await asyncio.gather(
            *(layer.group_send(group, event) for group, event in events), return_exceptions=True
        )
        for (group, _event), result in zip(events, results, strict=True):
            if isinstance(result, BaseException):
                logger.error("chat broadcast to %s failed", group, exc_info=result)

    try:
        from_sync(send_all)
    except Exception:
        logger.exception("chat broadcast failed")


def unread_events(conversation: Conversation, *, roles: tuple[str, ...]) -> list[Event]:
    """The "unread" pushes for these sides of a conversation, computed once here (one query) so the
    sockets only forward them: the side's new total and the conversation's row as that side sees it.
    The buyer's go to the buyer's group; the seller side's to the shop's group (everyone working for it).
    Run after commit: the totals then include every conversation committed so far."""
    buyer_total, shop_total = unread_side_totals(
        buyer_id=conversation.buyer_id if Role.BUYER in roles else None,
        shop_id=conversation.shop_id if Role.SELLER in roles else None,
    )
    sides = [
        (Role.BUYER, user_group(conversation.buyer_id), buyer_total),
        (Role.SELLER, shop_group(conversation.shop_id), shop_total),
    ]
    return [
        (
            group,
            {
                "type": "chat.unread",
                "role": str(role),
                "total": total,
                "conversation": conversation_out(conversation, role=role),
            },
        )
        for role, group, total in sides
        if role in roles
    ]


def conversation_event_send_on_commit(*, conversation_id: int, event: dict[str, Any]) -> None:
    """A channel-layer event (`type` names the consumer's handler, e.g. chat.offer) to everyone in the
    conversation, after the commit of the write that caused it."""
    transaction.on_commit(lambda: broadcast_send([(conversation_group(conversation_id), event)]), robust=True)
