"""The person's language on the web: the language switch and the settings page keep the browser's choice
(Django's language cookie) and the account's (User.language, what notifications are written in) the same."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse


def language_cookie_set(response: HttpResponse, language: str) -> None:
    """What Django's set_language view stores, so the pages switch with the account."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
