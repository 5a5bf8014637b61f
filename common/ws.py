"""WebSocket plumbing: authenticate a socket by `Authorization: Token` header or the session cookie."""

from __future__ import annotations

from types import SimpleNamespace

from channels.auth import AuthMiddlewareStack
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.utils import translation


def scope_language(scope) -> str:
    """The language of a socket's page, as LocaleMiddleware picks it for a request: the language
    cookie, else Accept-Language, else LANGUAGE_CODE. Kept on the scope after the first look."""
    if "language" not in scope:
        headers = dict(scope.get("headers") or [])
        request = SimpleNamespace(
            COOKIES=scope.get("cookies") or {},
            META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
        )
        scope["language"] = translation.get_language_from_request(request)
    return scope["language"]


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


class InLoopDispatchMixin:
    """For consumers whose database work all goes through database_sync_to_async (or chat's
    in_db_thread), which close their thread's stale connections before and after each call.

    Channels' AsyncConsumer.dispatch hops to the process's one thread-sensitive thread to run
    close_old_connections before EVERY event: a message to a 1,000-member group was 1,000 such hops
    in a row through one thread (bench B3, RESULTS.md). Here an event goes straight to its handler.
    """

    async def dispatch(self, message):
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)


# --- one person's sockets, closed together ---------------------------------------------------------

CLOSE_SESSION_ENDED = 4401  # the same code as "no user": the client must sign in again


def user_sockets_group(user_id: int) -> str:
    """Every socket a signed-in person holds joins this group, whatever it is for."""
    return f"user.sockets.{user_id}"


class UserSocketsMixin:
    """For consumers: joins the person's sockets group, and closes with 4401 when their session ends."""

    async def user_sockets_join(self, user) -> None:
        self._user_sockets_group = user_sockets_group(user.pk)
        await self.channel_layer.group_add(self._user_sockets_group, self.channel_name)

    async def user_sockets_leave(self) -> None:
        group = getattr(self, "_user_sockets_group", None)
        if group is not None:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def user_session_ended(self, event) -> None:
        await self.close(code=CLOSE_SESSION_ENDED)


def user_sockets_close(*, user_id: int) -> None:
    """Tells every open socket of this person to close (synchronous; call it on commit)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(user_sockets_group(user_id), {"type": "user.session_ended"})
