"""Django's auth signals, connected in AccountsConfig.ready()."""

from accounts.services import session_ended


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    """Logging out ends this session only (Django deletes it right after this signal): the sockets it
    opened close; the person's other sessions and API tokens stay ("log out everywhere" ends those)."""
    session = getattr(request, "session", None)
    session_ended(session_key=getattr(session, "session_key", None))
