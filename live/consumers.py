"""WebSocket /ws/shows/<id>/: the room (API.md). Anyone may watch; signed-in viewers write.

The room's frames reach a process once and are written to its sockets by live.room_hub (chat batched
into `chat_batch` frames, counters as at most one `stats` frame a second). A socket's own channel only
carries what is for its viewer alone (errors, removal).
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs

from django.utils.translation import gettext as _

from chat.consumers import in_db_thread
from common.errors import DomainError, NotFound, RateLimited, ValidationFailed
from common.ws import SizeLimitedJsonConsumer
from live.access import access_public_show
from live.groups import show_user_group
from live.models import Show
from live.room_hub import RoomHub, chat_batch_text
from live.selectors import room_history
from live.serializers import room_message_text
from live.services.broadcast import push_loop
from live.services.pins import pinned_card_cached
from live.services.room import room_message_send, room_restriction_active, room_role

logger = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
CLOSE_REMOVED = 4403
# A socket's messages waiting for the database; past this many it is read no further until they are stored.
MAX_UNSENT = 20


def _socket_access(user, show_id):
    show = access_public_show(user=user, show_id=show_id)
    removed = bool(user.is_authenticated and room_restriction_active(show=show, user_id=user.pk, kind="remove"))
    return show, removed, room_role(show=show, user=user)


def _socket_history(show: Show, after: int | None) -> tuple[str, list, dict | None]:
    """Read after the socket joined its room: what this misses arrives live (and the reverse is left out).
    Also the product pinned now (the card of a viewer who joins or reconnects)."""
    row = Show.objects.filter(pk=show.pk).values_list("status", "pinned_product_id").first()
    if row is not None:
        show.status, show.pinned_product_id = row
    return show.status, room_history(show=show, after=after), pinned_card_cached(show)


class ShowConsumer(SizeLimitedJsonConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.groups_joined: list[str] = []
        self.show = None
        self.room = None
        self.unsent: list[tuple[dict, str | None]] = []
        self.storing: asyncio.Task | None = None
        try:
            show, removed, role = await in_db_thread(_socket_access)(
                self.user, self.scope["url_route"]["kwargs"]["show_id"]
            )
        except NotFound:
            await self.accept()
            await self.close(code=CLOSE_NOT_FOUND)
            return
        if removed:
            await self.accept()
            await self.close(code=CLOSE_REMOVED)
            return
        self.show, self.role = show, role
        if self.user is not None and self.user.is_authenticated:
            group = show_user_group(show.pk, self.user.pk)
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        self.room = await RoomHub.current().join(show.pk, self)
        await self.accept()
        status, history, pinned = await in_db_thread(_socket_history)(show, _after(self.scope))
        await self.send_json({"type": "status", "status": status})
        await self.send_json({"type": "pinned", "product": pinned})
        if history:
            await self.send(text_data=chat_batch_text([room_message_text(m) for m in history]))
        await self.room.release(self, {m.pk for m in history})
        if self.room.sent is not None:
            await self.send_json({"type": "stats", "viewers": self.room.sent[0], "likes": self.room.sent[1]})

    async def disconnect(self, code):
        if self.room is not None:
            self.room.leave(self)
        if self.storing is not None:
            await asyncio.shield(self.storing)  # what the viewer sent before leaving is still stored
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("leaving %s failed", group, exc_info=True)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        client_id = content.get("client_id") if isinstance(content.get("client_id"), str) else None
        if kind == "like":
            self.room.like()
        elif kind == "message":
            # Stored in the order sent (slow mode and the rate limit refuse the later ones), one database
            # call for all that arrived while the previous call ran: under load a socket's messages do
            # not queue one database round of their own each (bench B6). Running several calls at once
            # was slower (more database threads holding the GIL against the event loop).
            self.unsent.append((content, client_id))
            if self.storing is None or self.storing.done():
                self.storing = asyncio.get_running_loop().create_task(self._store_unsent())
            elif len(self.unsent) >= MAX_UNSENT:
                await asyncio.shield(self.storing)  # this socket reads no more until they are stored
        else:
            await self._refused(ValidationFailed(_("Unknown frame type.")), client_id)

    async def _store_unsent(self) -> None:
        push_loop.set(asyncio.get_running_loop())
        while self.unsent:
            batch, self.unsent = self.unsent, []
            if self.user is None or not self.user.is_authenticated:
                for _content, client_id in batch:
                    await self.send_error("not_authenticated", _("Log in to chat."), client_id=client_id)
                continue
            try:
                refused = await in_db_thread(_messages_store)(self.show, self.user, self.role, batch)
                for client_id, exc in refused:
                    await self._refused(exc, client_id)
            except Exception:  # the socket closed meanwhile, or the database failed: logged, the socket goes on
                logger.warning("room messages failed", exc_info=True)

    async def _refused(self, exc: DomainError, client_id: str | None) -> None:
        if isinstance(exc, RateLimited):
            await self.send_error("rate_limited", exc.message, retry_after=exc.retry_after, client_id=client_id)
        elif isinstance(exc, NotFound):
            await self.close(code=CLOSE_NOT_FOUND)
        else:
            code = "invalid" if exc.code == "validation_error" else exc.code
            await self.send_error(code, exc.message, client_id=client_id)

    async def live_frame(self, event):
        for one in event.get("events") or (event,):  # merged by the sender while it was busy (broadcast)
            await self.send(text_data=one["text"])
            if one.get("close"):
                await self.close(code=CLOSE_REMOVED)
                return


def _messages_store(show: Show, user, role: str, batch: list) -> list[tuple[str | None, DomainError]]:
    """A socket's messages, in order, in one database call; what was refused, with why."""
    refused = []
    for content, client_id in batch:
        try:
            if not isinstance(content.get("text"), str):
                raise ValidationFailed(_("A message frame needs text."))
            room_message_send(show=show, user=user, text=content["text"], client_id=client_id, role=role)
        except DomainError as exc:
            refused.append((client_id, exc))
    return refused


def _after(scope) -> int | None:
    values = parse_qs((scope.get("query_string") or b"").decode("latin-1")).get("after")
    if not values:
        return None
    try:
        after = int(values[0])
    except ValueError:
        return None
    return after if 0 <= after < 2**63 else None
