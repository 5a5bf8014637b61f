"""Operators decide on held photos: a photo with a QR code (safety.qr) reached only its sender; released, it
reaches the other side as a late message; rejected, it never does (the file stays as evidence, seen by
operators and, marked rejected, by its sender)."""

from __future__ import annotations

from django.db import transaction

from chat.groups import conversation_group
from chat.models import Conversation, Message, PhotoHold, Role
from chat.serializers import message_out
from chat.services import broadcast


def _held_for_update(message_id: int) -> Message | None:
    return Message.objects.select_for_update().filter(pk=message_id, photo_hold=PhotoHold.HELD).first()


@transaction.atomic
def held_photo_release(*, message_id: int, operator, reason: str = "") -> Message | None:
    """Delivers a held photo to the other side (its unread count and sockets). None: not held (any more)."""
    from accounts.services import operator_action_record

    conversation_id = Message.objects.filter(pk=message_id).values_list("conversation_id", flat=True).first()
    if conversation_id is None:
        return None
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)  # the messages' lock order
    message = _held_for_update(message_id)
    if message is None:
        return None
    message.photo_hold = PhotoHold.RELEASED
    message.flags = [flag for flag in message.flags if flag != "photo_held"]
    message.save(update_fields=["photo_hold", "flags", "updated_at"])
    other = Role.SELLER if message.sender_role == Role.BUYER else Role.BUYER
    unread_field = "shop_unread" if other == Role.SELLER else "buyer_unread"
    setattr(conversation, unread_field, getattr(conversation, unread_field) + 1)
    conversation.save(update_fields=[unread_field, "updated_at"])
    operator_action_record(actor=operator, action="chat_photo_release", obj=message, reason=reason)
    data = message_out(message)
    transaction.on_commit(
        lambda: broadcast.broadcast_send(
            [
                (conversation_group(conversation_id), {"type": "chat.message", "message": data}),
                *broadcast.unread_events(conversation, roles=(other,)),
            ]
        )
    )
    return message


@transaction.atomic
def held_photo_reject(*, message_id: int, operator, reason: str = "") -> Message | None:
    """Keeps a held photo from the other side for good. None: not held (any more)."""
    from accounts.services import operator_action_record

    message = _held_for_update(message_id)
    if message is None:
        return None
    message.photo_hold = PhotoHold.REJECTED
    message.flags = [*(flag for flag in message.flags if flag != "photo_held"), "photo_rejected"]
    message.save(update_fields=["photo_hold", "flags", "updated_at"])
    operator_action_record(actor=operator, action="chat_photo_reject", obj=message, reason=reason)
    return message
