"""WebSockets for chat.

/ws/chat/<id>/   one conversation: message, product, read and typing frames (API.md), plus the
                 viewer's unread counts (frame "unread") so badges stay live on that page too.
/ws/chat/inbox/  only the unread counts and inbox rows: "my chats", the seller inbox, badges.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import sync_to_async
from django.db import close_old_connections
from django.utils.translation import gettext as _

from chat.access import access_conversation
from chat.groups import conversation_group, shop_group, user_group
from chat.selectors import chat_unread_state, chat_unread_totals, member_shop_id
from chat.services import conversation_mark_read, message_send
from common.errors import DomainError, NotFound, RateLimited, ValidationFailed
from common.ws import SizeLimitedJsonConsumer, UserSocketsMixin
from safety.services import CONTACT_DETAILS_FLAG, NOTICE_CODE, contact_notice_text

CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
# Not fatal for the client (it reconnects): the person's shop changed, so the socket's groups must be redone.
CLOSE_MEMBERSHIP_CHANGED = 4000
TYPING_EVERY_SECONDS = 2.0
# Channels runs every thread-sensitive database call of a process in ONE thread, so one socket's
# message_send waits behind every other socket's. Chat's database work runs in this small pool
# instead; each call closes (or returns to DB_POOL) its connection when it ends (in_db_thread),
# so a process holds at most this many connections for chat at a time.
DB_THREADS = 4
# Channel-layer calls (group_add / group_discard) in flight per process: a thousand sockets closing
# at once must not ask redis-py's pool (100 connections) for a thousand connections.
LAYER_CALLS_IN_FLIGHT = 32

logger = logging.getLogger(__name__)

_db_executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="chat-db")
_layer_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


def in_db_thread(func):
    """`func` (sync, database work) as a coroutine function run in chat's database threads.

    Like Channels' database_sync_to_async, it drops the thread's connection when it is obsolete
    (with CONN_MAX_AGE=0 or DB_POOL: after every call, back to the pool), before and after."""

    @functools.wraps(func)
    def call(*args, **kwargs):
        close_old_connections()
        try:
            return func(*args, **kwargs)
        finally:
            close_old_connections()

    return sync_to_async(call, thread_sensitive=False, executor=_db_executor)


def _layer_slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slot = _layer_slots.get(loop)
    if slot is None:
        slot = _layer_slots[loop] = asyncio.Semaphore(LAYER_CALLS_IN_FLIGHT)
    return slot


def _conversation_socket_state(user, conversation_id):
    """One trip to the database threads for a conversation socket: access, then the unread state."""
    conversation = access_conversation(user, conversation_id)
    return conversation, chat_unread_state(user=user)


class _ChatSocketMixin:
    """Joins and leaves channel-layer groups with bounded concurrency, and forwards "unread" pushes.

    The services compute a side's new unread total and the conversation's row once and send them to
    the buyer's group or the shop's group; a socket keeps the person's two totals (as a buyer, and
    for the shop they work for) from its connect and forwards, without touching the database.
    """

    # The conversation page only shows the totals (badges): it is not sent a push that changes neither.
    unread_rows_wanted = True

    async def groups_join(self, groups: list[str]) -> None:
        async with _layer_slot():
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
                self.groups_joined.append(group)
            await self.user_sockets_join(self.user)

    async def groups_leave(self) -> None:
        """Never raises: a socket that is gone must not fail the process's other sockets' work."""
        async with _layer_slot():
            for group in getattr(self, "groups_joined", []):
                try:
                    await self.channel_layer.group_discard(group, self.channel_name)
                except Exception:  # the group entry expires with the channel layer's group_expiry
                    logger.warning("leaving %s failed", group, exc_info=True)
            try:
                await self.user_sockets_leave()
            except Exception:
                logger.warning("leaving the user's sockets group failed", exc_info=True)

    async def chat_member_left(self, event):
        """Someone stopped working for the shop (removed or left): their sockets stop hearing it at once.
        A conversation they held as the shop is gone (4404); any other socket reconnects without the shop."""
        if event.get("user_id") != self.user.pk:
            return
        seller_side = getattr(self, "role", None) == "seller"
        await self.close(code=CLOSE_NOT_FOUND if seller_side else CLOSE_MEMBERSHIP_CHANGED)

    def unread_groups(self, shop_id: int | None) -> list[str]:
        """The groups that carry this person's pushes: their own (as a buyer) and their shop's."""
        return [user_group(self.user.pk), *([shop_group(shop_id)] if shop_id else [])]

    def unread_frame(self, conversation: dict | None) -> dict:
        buyer, seller = self.unread_totals["buyer"], self.unread_totals["seller"]
        return {
            "type": "unread",
            "total": buyer + seller,
            "buyer": buyer,
            "seller": seller,
            "conversation": conversation,
        }

    async def chat_unread(self, event):
        side = "buyer" if event["role"] == "buyer" else "seller"
        self.unread_totals[side] = event["total"]
        if self.unread_rows_wanted:
            await self.send_json(self.unread_frame(event.get("conversation")))
            return
        # The conversation page shows only the badges, so it gets a frame only when they change. A
        # message in the conversation on screen raises them for a moment only — the page marks what it
        # shows as read at once — so it is not sent (in a 1,000-member conversation each message would
        # be 1,000 more frames); the read that follows lowers them and is sent, so opening a chat
        # clears its badge.
        conversation = event.get("conversation") or {}
        totals = (self.unread_totals["buyer"], self.unread_totals["seller"])
        if totals == self.unread_sent:
            return
        on_screen = conversation.get("id") == self.conversation.pk
        if on_screen and all(now >= sent for now, sent in zip(totals, self.unread_sent, strict=True)):
            return
        self.unread_sent = totals
        await self.send_json(self.unread_frame(conversation or None))


class ConversationConsumer(UserSocketsMixin, _ChatSocketMixin, SizeLimitedJsonConsumer):
    unread_rows_wanted = False

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
            conversation, unread = await in_db_thread(_conversation_socket_state)(
                self.user, self.scope["url_route"]["kwargs"]["conversation_id"]
            )
        except NotFound:
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.conversation = conversation
        self.role = conversation.viewer_role
        # Totals read just before listening: a push in between leaves the badge one push behind.
        self.unread_totals = {"buyer": unread.totals.buyer, "seller": unread.totals.seller}
        self.unread_sent = (unread.totals.buyer, unread.totals.seller)  # what the page was rendered with
        await self.groups_join([conversation_group(conversation.pk), *self.unread_groups(unread.shop_id)])
        await self.accept()

    async def disconnect(self, code):
        await self.groups_leave()

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        client_id = content.get("client_id") if isinstance(content.get("client_id"), str) else None
        try:
            if kind == "message":
                if not isinstance(content.get("text"), str):
                    raise ValidationFailed(_("A message frame needs text."))
                message = await in_db_thread(message_send)(
                    user=self.user, conversation=self.conversation, text=content["text"], client_id=client_id
                )
                if CONTACT_DETAILS_FLAG in message.flags:
                    await self.send_json(
                        {
                            "type": "notice",
                            "code": NOTICE_CODE,
                            "message": contact_notice_text(),
                            "message_id": message.pk,
                        }
                    )
            elif kind == "product":
                await in_db_thread(message_send)(
                    user=self.user, conversation=self.conversation, product=content.get("product"), client_id=client_id
                )
            elif kind == "read":
                await in_db_thread(conversation_mark_read)(
                    user=self.user, conversation=self.conversation, up_to=content.get("up_to")
                )
            elif kind == "typing":
                await self._typing()
            else:
                raise ValidationFailed(_("Unknown frame type."))
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
        await self.channel_layer.group_send(
            conversation_group(self.conversation.pk),
            {
                "type": "chat.typing",
                "role": str(self.role),
                "sender_channel": self.channel_name,
                "user": {"id": self.user.pk, "username": self.user.username},
            },
        )

    # --- group events ---------------------------------------------------------------------------

    async def chat_message(self, event):
        await self.send_json({"type": "message", "message": event["message"]})

    async def chat_offer(self, event):
        await self.send_json({"type": "offer", "offer": event["offer"]})

    async def chat_read(self, event):
        await self.send_json({"type": "read", "role": event["role"], "up_to": event["up_to"], "user": event["user"]})

    async def chat_typing(self, event):
        if event.get("sender_channel") == self.channel_name:
            return
        await self.send_json({"type": "typing", "role": event["role"], "user": event["user"]})


class InboxConsumer(UserSocketsMixin, _ChatSocketMixin, SizeLimitedJsonConsumer):
    """Unread counts and inbox rows for one person, live. It only listens: frames sent to it are ignored."""

    async def connect(self):
        self.user = self.scope.get("user")
        self.groups_joined: list[str] = []
        if self.user is None or not self.user.is_authenticated:
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        # Listen before reading the counts: a push committed in between is not missed (it may come
        # after the first frame; both carry whole totals).
        shop_id = await in_db_thread(member_shop_id)(user=self.user)
        await self.groups_join(self.unread_groups(shop_id))
        totals = await in_db_thread(chat_unread_totals)(user=self.user)
        self.unread_totals = {"buyer": totals.buyer, "seller": totals.seller}
        await self.accept()
        # The current counts, so a page that was loaded a while ago is right at once.
        await self.send_json(self.unread_frame(None))

    async def disconnect(self, code):
        await self.groups_leave()

    async def receive_json(self, content, **kwargs):
        if content.get("type") != "ping":
            await self.send_error("invalid", _("This socket only listens."))
            return
        await self.send_json({"type": "pong"})
