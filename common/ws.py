"""WebSocket plumbing: authenticate a socket by `Authorization: Token` header or the session cookie."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser


@database_sync_to_async
def _user_for_token(key: str):
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=key).first()
    if token is None or not token.user.is_active:
        return AnonymousUser()
    return token.user


class _TokenAuthMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        auth = headers.get(b"authorization", b"").decode("latin-1")
        if auth.lower().startswith("token "):
            scope = dict(scope, user=await _user_for_token(auth.split(None, 1)[1].strip()))
        return await self.inner(scope, receive, send)


def TokenOrSessionAuthMiddleware(inner):  # noqa: N802 - reads like the middleware stacks it wraps
    """Session auth first (AuthMiddlewareStack); a token header, when present, decides the user."""
    return AuthMiddlewareStack(_TokenAuthMiddleware(inner))
