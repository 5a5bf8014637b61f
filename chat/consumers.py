"""WebSockets for chat.

/ws/chat/<id>/   one conversation: message, product, read and typing frames (API.md), plus the
                 viewer's unread counts (frame "unread") so badges stay live on that page too.
/ws/chat/inbox/  only the unread counts and inbox rows: "my chats", the seller inbox, badges.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from chat.access import access_conversation
from chat.groups import conversation_group, user_group
from chat.presenters import conversation_data
from chat.selectors import chat_unread_totals, conversation_for_push
from chat.services import conversation_mark_read, message_send
from common.errors import DomainError, NotFound, RateLimited, ValidationFailed
from common.ws import UserSocketsMixin

MAX_FRAME_BYTES = 64 * 1024
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_BIG = 1009
TYPING_EVERY_SECONDS = 2.0

logger = logging.getLogger(__name__)


def _unread_frame(user, conversation_id: int | None) -> dict:
    totals = chat_unread_totals(user=user)
    frame = {"type": "unread", "total": totals.total, "buyer": totals.buyer, "seller": totals.seller,
             "conversation": None}
    if conversation_id is not None:
        conversation = conversation_for_push(user=user, conversation_id=conversation_id)
        if conversation is not None:
            frame["conversation"] = conversation_data(conversation, role=conversation.role_of(user))
    return frame


class _UnreadMixin:
    """Forwards the per-user "unread" pushes, computed for this user.

    Pushes are coalesced: the counts are computed in a background task, and pushes that arrive
    while it runs only mark their conversation dirty (a buyer sending 50 messages costs a few
    queries here, not 50). Every frame carries the current totals, so skipping loses nothing.
    """

    async def chat_unread(self, event):
        dirty = self.__dict__.setdefault("_unread_dirty", [])
        conversation_id = event.get("conversation")
        if conversation_id not in dirty:
            dirty.append(conversation_id)
        task = self.__dict__.get("_unread_task")
        if task is None or task.done():
            self._unread_task = asyncio.create_task(self._unread_flush())

    async def _unread_flush(self):
        dirty = self._unread_dirty
        try:
            while dirty:
                frame = await database_sync_to_async(_unread_frame)(self.user, dirty.pop(0))
                await self.send_json(frame)
        except Exception:  # a closed socket or a database hiccup: the next push recomputes
            logger.exception("chat unread push failed")

    def _unread_stop(self):
        task = self.__dict__.get("_unread_task")
        if task is not None and not task.done():
            task.cancel()


class _SizeLimitedJsonConsumer(AsyncJsonWebsocketConsumer):
    async def websocket_receive(self, message):
        text, data = message.get("text"), message.get("bytes")
        size = len(text.encode("utf-8")) if text is not None else len(data or b"")
        if size > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        await super().websocket_receive(message)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        if text_data is None:
            await self.send_error("invalid", "Send JSON text frames.")
            return
        try:
            content = await self.decode_json(text_data)
        except ValueError:
            await self.send_error("invalid", "The frame is not valid JSON.")
            return
        if not isinstance(content, dict):
            await self.send_error("invalid", "A frame is a JSON object.")
            return
        await self.receive_json(content, **kwargs)

    async def send_error(self, code: str, message: str, **extra) -> None:
        await self.send_json({"type": "error", "code": code, "message": message, **extra})

    @classmethod
    async def encode_json(cls, content):
        return json.dumps(content, ensure_ascii=False)


class ConversationConsumer(UserSocketsMixin, _UnreadMixin, _SizeLimitedJsonConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.groups_joined: list[str] = []
        self.last_typing = 0.0
        # Accept first so the client sees our close code (a refused handshake is only an HTTP 403).
        if self.user is None or not self.user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        try:
            conversation = await database_sync_to_async(access_conversation)(
                self.user, self.scope["url_route"]["kwargs"]["conversation_id"])
        except NotFound:
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.conversation = conversation
        self.role = conversation.viewer_role
        for group in (conversation_group(conversation.pk), user_group(self.user.pk)):
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.user_sockets_join(self.user)
        await self.accept()

    async def disconnect(self, code):
        self._unread_stop()
        await self.user_sockets_leave()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        client_id = content.get("client_id") if isinstance(content.get("client_id"), str) else None
        try:
            if kind == "message":
                if not isinstance(content.get("text"), str):
                    raise ValidationFailed("A message frame needs text.")
                await database_sync_to_async(message_send)(
                    user=self.user, conversation=self.conversation, text=content["text"], client_id=client_id)
            elif kind == "product":
                await database_sync_to_async(message_send)(
                    user=self.user, conversation=self.conversation, product=content.get("product"),
                    client_id=client_id)
            elif kind == "read":
                await database_sync_to_async(conversation_mark_read)(
                    user=self.user, conversation=self.conversation, up_to=content.get("up_to"))
            elif kind == "typing":
                await self._typing()
            else:
                raise ValidationFailed("Unknown frame type.")
        except RateLimited as exc:
            await self.send_error("rate_limited", exc.message, retry_after=exc.retry_after, client_id=client_id)
        except NotFound:
            await self.close(code=CLOSE_NOT_FOUND)
        except DomainError as exc:
            code = "invalid" if exc.code == "validation_error" else exc.code
            await self.send_error(code, exc.message, client_id=client_id)

    async def _typing(self) -> None:
        now = time.monotonic()
        if now - self.last_typing < TYPING_EVERY_SECONDS:
            return
        self.last_typing = now
        await self.channel_layer.group_send(conversation_group(self.conversation.pk), {
            "type": "chat.typing", "role": str(self.role), "sender_channel": self.channel_name,
            "user": {"id": self.user.pk, "username": self.user.username}})

    # --- group events ---------------------------------------------------------------------------

    async def chat_message(self, event):
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_read(self, event):
        await self.send_json({"type": "read", "role": event["role"], "up_to": event["up_to"],
                              "user": event["user"]})

    async def chat_typing(self, event):
        if event.get("sender_channel") == self.channel_name:
            return
        await self.send_json({"type": "typing", "role": event["role"], "user": event["user"]})


class InboxConsumer(UserSocketsMixin, _UnreadMixin, _SizeLimitedJsonConsumer):
    """Unread counts and inbox rows for one person, live. It only listens: frames sent to it are ignored."""

    async def connect(self):
        self.user = self.scope.get("user")
        self.group = None
        if self.user is None or not self.user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # Listen before accepting: a page that resyncs when the socket opens misses nothing in between.
        self.group = user_group(self.user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.user_sockets_join(self.user)
        await self.accept()
        # The current counts, so a page that was loaded a while ago is right at once.
        await self.chat_unread({"conversation": None})

    async def disconnect(self, code):
        self._unread_stop()
        await self.user_sockets_leave()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content.get("type") != "ping":
            await self.send_error("invalid", "This socket only listens.")
            return
        await self.send_json({"type": "pong"})
