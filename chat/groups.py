"""Channel-layer group names, from one place."""


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def user_group(user_id: int) -> str:
    """Unread-count updates for one person's buyer side (header badge, my chats)."""
    return f"chat.user.{user_id}"


def shop_group(shop_id: int) -> str:
    """Unread-count updates for a shop's side, shared by everyone who works for it (the seller inbox)."""
    return f"chat.shop.{shop_id}"
