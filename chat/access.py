"""The only way to fetch a conversation: participants only; everyone else gets 404."""

from __future__ import annotations

from chat.models import Conversation
from common.errors import NotFound


def access_conversation(user, conversation_id) -> Conversation:
    """The buyer or anyone working for the shop; sets `viewer_role` ("buyer" or "seller")."""
    if user is None or not user.is_authenticated:
        raise NotFound()
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    conversation = (
        Conversation.objects.for_participant(user).select_related("shop", "buyer", "product").filter(pk=pk).first()
    )
    if conversation is None:
        raise NotFound()
    conversation.viewer_role = conversation.role_of(user)
    return conversation
