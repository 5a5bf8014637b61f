def user_group(user_id: int) -> str:
    """The channel-layer group of one person's notification sockets."""
    return f"notifications.user.{user_id}"
