"""Django's auth signals, connected in AccountsConfig.ready()."""

from accounts.services import user_sessions_end


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    """Logging out ends every session of the person: their tokens stop working and their sockets close."""
    if user is not None:
        user_sessions_end(user=user)
