"""WebSocket plumbing: authenticate a socket by `Authorization: Token` header or the session cookie; the
JSON consumers' base (SizeLimitedJsonConsumer); closing one person's sockets together; sending to the
channel layer from sync code (`from_sync`)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from asgiref.sync import async_to_sync
from channels.auth import AuthMiddlewareStack
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.contrib.auth.models import AnonymousUser
from django.utils import translation
from django.utils.translation import gettext as _

MAX_FRAME_BYTES = 64 * 1024
CLOSE_TOO_BIG = 1009


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
            # by_token: the socket belongs to no session (logging one out must not close it)
            scope = dict(scope, user=await _user_for_token(auth.split(None, 1)[1].strip()), by_token=True)
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


class SizeLimitedJsonConsumer(InLoopDispatchMixin, AsyncJsonWebsocketConsumer):
    """The base of the project's JSON sockets (chat, the live room): frames over MAX_FRAME_BYTES close the
    socket (1009); a frame that is not a JSON object gets an `error` frame in the page's language; nothing
    is written to a socket the server has closed; JSON goes out as UTF-8 text (`ensure_ascii=False`)."""

    closed_by_server = False

    async def websocket_receive(self, message):
        text, data = message.get("text"), message.get("bytes")
        size = len(text.encode("utf-8")) if text is not None else len(data or b"")
        if size > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        # Error frames speak the page's language: the language cookie, else the browser's Accept-Language.
        with translation.override(scope_language(self.scope)):
            await super().websocket_receive(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error("invalid", _("Send JSON text frames."))
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_error("invalid", _("The frame is not valid JSON."))
            return
        if not isinstance(content, dict):
            await self.send_error("invalid", _("A frame is a JSON object."))
            return
        await self.receive_json(content, **kwargs)

    # A group event can arrive between our close and the client's disconnect: the server must not
    # write to a socket it has closed (uvicorn raises "Unexpected ASGI message 'websocket.send'").
    async def send(self, text_data=None, bytes_data=None, close=False):
        if not self.closed_by_server:
            await super().send(text_data=text_data, bytes_data=bytes_data, close=close)

    async def send_json(self, content, close=False):
        if not self.closed_by_server:
            await super().send_json(content, close=close)

    async def close(self, code=None, reason=None):
        if self.closed_by_server:
            return
        self.closed_by_server = True
        await super().close(code=code, reason=reason)

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, ensure_ascii=False)


# --- one person's sockets, closed together ---------------------------------------------------------

CLOSE_SESSION_ENDED = 4401  # the same code as "no user": the client must sign in again


def user_sockets_group(user_id: int) -> str:
    """Every socket a signed-in person holds joins this group, whatever it is for."""
    return f"user.sockets.{user_id}"


def session_sockets_group(session_key: str) -> str:
    """The sockets opened with one session's cookie (a hash: the key itself never leaves the process)."""
    return f"session.sockets.{hashlib.sha256(session_key.encode()).hexdigest()[:40]}"


class UserSocketsMixin:
    """For consumers: joins the person's sockets group (and, when signed in by cookie, the session's),
    and closes with 4401 when their sessions, or the one it was opened with, end."""

    async def user_sockets_join(self, user) -> None:
        self._user_sockets_groups = [user_sockets_group(user.pk)]
        session = self.scope.get("session")
        session_key = getattr(session, "session_key", None) if not self.scope.get("by_token") else None
        if session_key:
            self._user_sockets_groups.append(session_sockets_group(session_key))
        for group in self._user_sockets_groups:
            await self.channel_layer.group_add(group, self.channel_name)

    async def user_sockets_leave(self) -> None:
        for group in getattr(self, "_user_sockets_groups", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def user_session_ended(self, event) -> None:
        await self.close(code=CLOSE_SESSION_ENDED)


def user_sockets_close(*, user_id: int) -> None:
    """Tells every open socket of this person to close (synchronous; call it on commit)."""
    _sockets_close(user_sockets_group(user_id))


def session_sockets_close(*, session_key: str) -> None:
    """Tells the sockets opened with this session's cookie to close (synchronous; call it on commit)."""
    _sockets_close(session_sockets_group(session_key))


def _sockets_close(group: str) -> None:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is not None:
        from_sync(layer.group_send, group, {"type": "user.session_ended"})


def from_sync(fn, /, *args, **kwargs):
    """`async_to_sync(fn)(*args, **kwargs)`: a channel-layer send from sync code (a service's on-commit push).
    Also from a thread whose event loop runs under the sync caller (Playwright's sync API in the browser
    tests keeps one on the test's thread), where asgiref refuses ("You cannot use AsyncToSync in the same
    thread as an async event loop") and the push was lost: there the send runs on a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(fn)(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="from-sync") as pool:
        return pool.submit(async_to_sync(fn), *args, **kwargs).result()
