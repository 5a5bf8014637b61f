"""WebSocket /ws/shows/<id>/: the room (API.md). Anyone may watch; signed-in viewers write.

Counters never flood the room: a like is counted in this process's memory and a join is a number in a
dict; once a second a room's ticker (one per room per process, while it has sockets here) adds them to
Redis, reads the room's totals and, only when they changed, sends one `stats` frame — serialised once —
to this process's sockets. Messages and status changes come through the channel layer already
serialised (live.services.broadcast), so a broadcast is one json.dumps whatever the room's size.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import uuid
import weakref
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.utils.translation import gettext as _

from chat.consumers import in_db_thread
from common.errors import DomainError, NotFound, RateLimited, ValidationFailed
from common.ws import SizeLimitedJsonConsumer
from live.access import access_public_show
from live.groups import show_group, show_user_group
from live.presenters import room_message
from live.selectors import room_history
from live.services.room import room_message_send, room_restriction_active, room_role
from live.services.stats import room_stats_exchange

logger = logging.getLogger(__name__)

CLOSE_NOT_FOUND = 4404
CLOSE_REMOVED = 4403
STATS_EVERY_SECONDS = 1.0
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


class _Room:
    def __init__(self, show_id: int) -> None:
        self.show_id = show_id
        self.sockets: set[ShowConsumer] = set()
        self.pending_likes = 0
        self.sent: tuple[int, int] | None = None
        self.totals: tuple[int, int] = (0, 0)
        self.task: asyncio.Task | None = None


class RoomHub:
    """This process's rooms (one hub per event loop)."""

    _hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        self.rooms: dict[int, _Room] = {}

    @classmethod
    def current(cls) -> RoomHub:
        loop = asyncio.get_running_loop()
        hub = cls._hubs.get(loop)
        if hub is None:
            hub = cls._hubs[loop] = cls()
        return hub

    def join(self, show_id: int, socket: ShowConsumer) -> _Room:
        room = self.rooms.get(show_id)
        if room is None:
            room = self.rooms[show_id] = _Room(show_id)
        room.sockets.add(socket)
        if room.task is None or room.task.done():
            room.task = asyncio.get_running_loop().create_task(self._tick(room))
        return room

    def leave(self, show_id: int, socket: ShowConsumer) -> None:
        room = self.rooms.get(show_id)
        if room is not None:
            room.sockets.discard(socket)

    def like(self, show_id: int) -> None:
        room = self.rooms.get(show_id)
        if room is not None:
            room.pending_likes += 1

    async def _tick(self, room: _Room) -> None:
        exchange = sync_to_async(room_stats_exchange, thread_sensitive=False)
        while True:
            await asyncio.sleep(STATS_EVERY_SECONDS)
            likes, room.pending_likes = room.pending_likes, 0
            viewers_here = len(room.sockets)
            try:
                room.totals = await exchange(
                    show_id=room.show_id, process=PROCESS_ID, viewers=viewers_here, new_likes=likes
                )
            except Exception:
                room.pending_likes += likes  # counted next time
                logger.warning("room stats exchange failed", exc_info=True)
                continue
            if not room.sockets:
                self.rooms.pop(room.show_id, None)
                return
            if room.totals != room.sent:
                room.sent = room.totals
                text = json.dumps({"type": "stats", "viewers": room.totals[0], "likes": room.totals[1]})
                for socket in list(room.sockets):
                    try:
                        await socket.send(text_data=text)
                    except Exception:
                        room.sockets.discard(socket)


def _socket_state(user, show_id, after):
    show = access_public_show(user=user, show_id=show_id)
    removed = bool(user.is_authenticated and room_restriction_active(show=show, user_id=user.pk, kind="remove"))
    role = room_role(show=show, user=user)
    history = [room_message(m) for m in room_history(show=show, after=after)]
    return show, removed, role, history


class ShowConsumer(SizeLimitedJsonConsumer):
    async def connect(self):
        self.user = self.scope.get("user")
        self.groups_joined: list[str] = []
        self.show = None
        after = _after(self.scope)
        try:
            show, removed, role, history = await in_db_thread(_socket_state)(
                self.user, self.scope["url_route"]["kwargs"]["show_id"], after
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
        groups = [show_group(show.pk)]
        if self.user is not None and self.user.is_authenticated:
            groups.append(show_user_group(show.pk, self.user.pk))
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        await self.accept()
        await self.send_json({"type": "status", "status": show.status})
        for message in history:
            await self.send_json({"type": "message", "message": message})
        room = RoomHub.current().join(show.pk, self)
        if room.sent is not None:
            await self.send_json({"type": "stats", "viewers": room.sent[0], "likes": room.sent[1]})

    async def disconnect(self, code):
        if self.show is not None:
            RoomHub.current().leave(self.show.pk, self)
        for group in self.groups_joined:
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:
                logger.warning("leaving %s failed", group, exc_info=True)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type")
        client_id = content.get("client_id") if isinstance(content.get("client_id"), str) else None
        try:
            if kind == "like":
                RoomHub.current().like(self.show.pk)
            elif kind == "message":
                if self.user is None or not self.user.is_authenticated:
                    await self.send_error("not_authenticated", _("Log in to chat."), client_id=client_id)
                    return
                if not isinstance(content.get("text"), str):
                    raise ValidationFailed(_("A message frame needs text."))
                await in_db_thread(room_message_send)(
                    show=self.show, user=self.user, text=content["text"], client_id=client_id
                )
            else:
                raise ValidationFailed(_("Unknown frame type."))
        except RateLimited as exc:
            await self.send_error("rate_limited", exc.message, retry_after=exc.retry_after, client_id=client_id)
        except NotFound:
            await self.close(code=CLOSE_NOT_FOUND)
        except DomainError as exc:
            code = "invalid" if exc.code == "validation_error" else exc.code
            await self.send_error(code, exc.message, client_id=client_id)

    async def live_frame(self, event):
        await self.send(text_data=event["text"])
        if event.get("close"):
            await self.close(code=CLOSE_REMOVED)


def _after(scope) -> int | None:
    values = parse_qs((scope.get("query_string") or b"").decode("latin-1")).get("after")
    if not values:
        return None
    try:
        after = int(values[0])
    except ValueError:
        return None
    return after if 0 <= after < 2**63 else None
