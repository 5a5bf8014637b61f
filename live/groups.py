"""Channel-layer group names, from one place."""


def show_group(show_id: int) -> str:
    return f"live.show.{show_id}"


def show_user_group(show_id: int, user_id: int) -> str:
    """One viewer's sockets in one room (errors, removal)."""
    return f"live.show.{show_id}.user.{user_id}"
