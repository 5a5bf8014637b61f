"""Channel-layer group names, from one place."""


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    """Unread-count updates for one person (header badge, my chats, the seller inbox)."""
    return f"chat.user.{user_id}"
