"""Chat's answers to lower apps' signals (connected in ChatConfig.ready())."""

from __future__ import annotations

from django.db import transaction

from chat.groups import shop_group
from shops.signals import shop_member_left


def member_sockets_close(*, shop_id: int, user_id: int) -> None:
    """Closes the sockets through which a former member still hears the shop's chats (after commit)."""
    from channels.layers import get_channel_layer

    from common.ws import from_sync

    layer = get_channel_layer()
    if layer is not None:
        from_sync(layer.group_send, shop_group(shop_id), {"type": "chat.member_left", "user_id": user_id})


def _shop_member_left(sender, *, shop_id: int, user_id: int, **kwargs) -> None:
    transaction.on_commit(lambda: member_sockets_close(shop_id=shop_id, user_id=user_id), robust=True)


def connect() -> None:
    shop_member_left.connect(_shop_member_left, dispatch_uid="chat.shop_member_left")
