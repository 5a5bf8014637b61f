"""Django's auth signals, connected in AccountsConfig.ready()."""

from accounts.services import language_supported, session_ended, user_language_set


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """A log-in makes the account's language the one the person is reading the site in."""
    language = language_supported(getattr(request, "LANGUAGE_CODE", None))
    if language:
        user_language_set(user=user, language=language)


def on_user_logged_out(sender, request, user, **kwargs) -> None:
    """Logging out ends this session only (Django deletes it right after this signal): the sockets it
    opened close; the person's other sessions and API tokens stay ("log out everywhere" ends those)."""
    session = getattr(request, "session", None)
    session_ended(session_key=getattr(session, "session_key", None))
