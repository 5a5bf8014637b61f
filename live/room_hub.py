"""A live room's fan-out inside one server process (bench B6, bench/RESULTS.md).

- **One channel per room per process**, not one per socket: the process joins the room's group once, so a
  broadcast reaches a process once, and no socket has a channel-layer queue that could overflow (the
  channel layer drops the oldest event of a full queue: that was B6's silent loss).
- **Chat is batched**: a message (serialised once by the service that stored it) is sent at once when
  the room sent no chat frame for CHAT_BATCH_SECONDS; otherwise it waits, with the others arriving
  meanwhile, for the end of that interval, and they go as one `chat_batch` frame joined from the
  already-serialised messages. So a viewer gets at most 1 / CHAT_BATCH_SECONDS chat frames a second
  whatever the room's chat rate (Taobao Live and Whatnot batch big rooms the same way).
- Other frames (status, a hidden message) send the pending chat first, then themselves, at once.
- **Under load, fewer and fuller frames**: while the pump is still writing earlier frames, new chat joins
  the chat frame waiting for it (and a newer `stats` replaces a waiting one), so the frames a socket gets
  follow what the process can write, and the delay stays about one round of writing.
- **Counts that change often** (a deal's `remaining`, the pinned card's stock) arrive as notices, not frames:
  the room builds the frame itself from the database, at once after a quiet window, else once at the
  window's end on its own timer (live.push_window), so the frame's data is as fresh as its send and a socket
  gets at most one such frame per window per subject.
- **Counters**: likes and joins are counted here; once a second the ticker exchanges them with the other
  processes (live.services.stats) and, only when the totals changed, queues one `stats` frame.
- **One pump task writes every frame to every socket**, in order, with the same prepared ASGI message
  (the frame's text is serialised once, whatever the number of sockets). A joining socket's frames are
  held while it loads its history, then sent (what the history already holds is left out), so nothing
  falls between the history and the live frames.
- **A slow socket never delays the others**: the pump starts each socket's send and does not wait for it.
  A send that cannot finish at once (the server's write buffer for that socket is full: its viewer
  stopped reading) is abandoned before anything of the frame was written, and the socket is dropped from
  the room and closed (CLOSE_TOO_SLOW): its client reconnects with `?after=` and reads what it missed from
  the database. Nothing is lost, and the room never waits on one socket.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import logging
import os
import uuid
import weakref
from dataclasses import dataclass

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from chat.consumers import in_db_thread
from live.groups import show_group
from live.push_window import ROOM_FRAMES, PushWindow
from live.services.broadcast import frame_text
from live.services.stats import room_stats_exchange

logger = logging.getLogger(__name__)

CHAT_BATCH_SECONDS = 0.1
STATS_EVERY_SECONDS = 1.0
GROUP_REFRESH_SECONDS = 600.0  # the group's membership expires after a day in channels-redis
CLOSE_TOO_SLOW = 4408
# How long after a join its history's messages are still left out of the live frames for that socket
# (a message stored before the history was read, whose broadcast was still on its way).
JOIN_OVERLAP_SECONDS = 5.0
PROCESS_ID = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def chat_batch_text(messages: list[str] | tuple[str, ...]) -> str:
    """One `chat_batch` frame from messages already serialised as JSON objects."""
    return '{"type": "chat_batch", "messages": [' + ", ".join(messages) + "]}"


@dataclass(slots=True)
class _Frame:
    text: str
    ids: tuple[int, ...] = ()  # a chat batch's message ids …
    parts: tuple[str, ...] = ()  # … and their texts (to leave out what a joining socket's history holds)
    stats: bool = False

    def without(self, seen: set[int]) -> str | None:
        if not self.ids or not seen.intersection(self.ids):
            return self.text
        parts = [part for pk, part in zip(self.ids, self.parts, strict=True) if pk not in seen]
        return chat_batch_text(parts) if parts else None


@dataclass(slots=True)
class _Joined:
    seen: set[int]  # the message ids its history held
    until: float


class Room:
    def __init__(self, hub: RoomHub, show_id: int) -> None:
        self.hub = hub
        self.show_id = show_id
        self.loop = asyncio.get_running_loop()
        # The sockets that get every frame as it is (socket -> its ASGI send) …
        self.live: dict = {}
        # … and the joining ones: the frames held for it while it loads its history (a list) or, just
        # after, what its history held (_Joined)
        self.joining: dict = {}
        self.pending_likes = 0
        self.sent: tuple[int, int] | None = None  # the last stats sent (viewers, likes)
        self.outbox: collections.deque[_Frame] = collections.deque()
        self.wake = asyncio.Event()
        self.chat: list[tuple[int, str]] = []
        self.chat_flush: asyncio.TimerHandle | None = None
        self.last_chat_frame = -1e9
        # Frames that follow a changing count (a deal's `remaining`, the pinned card's stock): built here
        # from the database, at most one per window per subject (live.push_window).
        self.refreshes = PushWindow(self._refresh, window=_refresh_window)
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.ready = self.loop.create_future()
        self.tasks: list[asyncio.Task] = [self.loop.create_task(self._start(), name=f"live-room-{show_id}")]

    # --- the room's channel ---------------------------------------------------------------------------

    async def _start(self) -> None:
        try:
            self.channel = await self.layer.new_channel()
            await self.layer.group_add(show_group(self.show_id), self.channel)
        except Exception as error:
            self.hub.rooms.pop(self.show_id, None)
            self.ready.set_exception(error)
            return
        self.ready.set_result(None)
        self.pump = self.loop.create_task(self._pump(), name=f"live-room-{self.show_id}-pump")
        self.tasks += [
            self.pump,
            self.loop.create_task(self._read(), name=f"live-room-{self.show_id}-read"),
            self.loop.create_task(self._tick(), name=f"live-room-{self.show_id}-tick"),
        ]

    async def _read(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except Exception:  # the channel layer failed; its reader starts again on the next receive
                logger.warning("live room %s: reading the channel layer failed", self.show_id, exc_info=True)
                await asyncio.sleep(0.5)
                continue
            self.event(event)

    def event(self, event: dict) -> None:
        for one in event.get("events") or (event,):  # a sender's events merged while it was busy
            self._event(one)

    def _event(self, event: dict) -> None:
        refresh = event.get("refresh")
        if refresh is not None:  # live.services.broadcast.room_refresh_on_commit
            self.refreshes.changed((refresh, event.get("key")))
            return
        message_id = event.get("message_id")
        if message_id is not None:
            self.chat.append((message_id, event["text"]))
            if self.chat_flush is None:
                wait = self.last_chat_frame + CHAT_BATCH_SECONDS - self.loop.time()
                if wait <= 0:
                    self.flush_chat()
                else:
                    self.chat_flush = self.loop.call_later(wait, self.flush_chat)
        else:
            self.flush_chat()
            self.push(_Frame(event["text"]))

    def flush_chat(self) -> None:
        if self.chat_flush is not None:
            self.chat_flush.cancel()
            self.chat_flush = None
        if not self.chat:
            return
        chat, self.chat = self.chat, []
        ids = tuple(pk for pk, _text in chat)
        parts = tuple(text for _pk, text in chat)
        self.last_chat_frame = self.loop.time()
        waiting = self.outbox[-1] if self.outbox else None
        if waiting is not None and waiting.ids:
            # The pump is behind (still writing earlier frames): these messages join the chat frame that
            # waits for it instead of making one more. Under load a room sends fewer, fuller frames.
            ids, parts = waiting.ids + ids, waiting.parts + parts
            self.outbox[-1] = _Frame(chat_batch_text(parts), ids, parts)
            return
        self.push(_Frame(chat_batch_text(parts), ids, parts))

    def push(self, frame: _Frame) -> None:
        self.outbox.append(frame)
        self.wake.set()

    async def _refresh(self, subject: tuple[str, int | None]) -> None:
        kind = ROOM_FRAMES.get(subject[0])
        if kind is None:
            return
        frame = await in_db_thread(kind.build)(self.show_id, subject[1])
        if frame is not None:
            self.flush_chat()
            self.push(_Frame(frame_text(frame)))

    # --- writing to the sockets -----------------------------------------------------------------------

    async def _pump(self) -> None:
        while True:
            await self.wake.wait()
            self.wake.clear()
            while self.outbox:
                self._write(self.outbox.popleft())
                await asyncio.sleep(0)  # what arrives meanwhile joins the next frame

    def _write(self, frame: _Frame) -> None:
        """One frame to every socket: one ASGI message for all of them (its text serialised once)."""
        message = {"type": "websocket.send", "text": frame.text}
        if self.joining:
            now = self.loop.time()
            for socket, state in list(self.joining.items()):
                if isinstance(state, list):  # loading its history
                    state.append(frame)
                elif now > state.until:
                    del self.joining[socket]
                    self.live[socket] = _server_send(socket)
                elif (text := frame.without(state.seen)) is not None:
                    # A message committed before the socket read its history can still be on its way
                    # here: for a few seconds after the join, what the history held is left out.
                    send = message if text is frame.text else {"type": "websocket.send", "text": text}
                    self._send(socket, _server_send(socket), send)
        for socket, send in list(self.live.items()):
            self._send(socket, send, message)

    def _send(self, socket, send, message: dict) -> None:
        """Starts the socket's send and never waits for it: the send finishes at once unless the socket's
        write buffer is full (uvicorn waits for it to drain before writing the frame). Such a socket is
        dropped and the rest of its send abandoned: nothing of the frame was written (a frame is written in
        one piece), and its client catches up with `?after=` when it reconnects."""
        sending = send(message)
        try:
            sending.send(None)
        except StopIteration:
            return  # written
        except Exception:  # closing under us: its disconnect follows
            self.leave(socket)
            return
        sending.close()
        self.leave(socket)
        logger.warning("live room %s: a socket stopped reading; closed (it catches up on reconnect)", self.show_id)
        closing = self.loop.create_task(_close_quietly(socket))
        _closing.add(closing)
        closing.add_done_callback(_closing.discard)

    # --- joining and leaving --------------------------------------------------------------------------

    def hold(self, socket) -> None:
        self.joining[socket] = []

    async def release(self, socket, seen: set[int]) -> None:
        """Sends what arrived while the socket loaded its history (minus what that history holds), then
        the socket gets frames from the pump."""
        held = self.joining.get(socket)
        while held:
            text = held.pop(0).without(seen)
            if text is not None:
                await socket.send(text_data=text)
            held = self.joining.get(socket)
        if socket not in self.joining:
            return  # it left meanwhile
        if seen:
            self.joining[socket] = _Joined(seen, self.loop.time() + JOIN_OVERLAP_SECONDS)
        else:
            del self.joining[socket]
            self.live[socket] = _server_send(socket)

    def leave(self, socket) -> None:
        self.live.pop(socket, None)
        self.joining.pop(socket, None)

    def __contains__(self, socket) -> bool:
        return socket in self.live or socket in self.joining

    @property
    def viewers(self) -> int:
        return len(self.live) + len(self.joining)

    def like(self) -> None:
        self.pending_likes += 1

    # --- once a second: counters, the group -------------------------------------------------------------

    async def _tick(self) -> None:
        exchange = sync_to_async(room_stats_exchange, thread_sensitive=False)
        refreshed = self.loop.time()
        while True:
            await asyncio.sleep(STATS_EVERY_SECONDS)
            now = self.loop.time()
            likes, self.pending_likes = self.pending_likes, 0
            try:
                totals = await exchange(show_id=self.show_id, process=PROCESS_ID, viewers=self.viewers, new_likes=likes)
            except Exception:
                self.pending_likes += likes  # counted next time
                logger.warning("room stats exchange failed", exc_info=True)
                continue
            if not self.viewers:
                await self._stop()
                return
            if totals != self.sent:
                self.sent = totals
                stats = _Frame(json.dumps({"type": "stats", "viewers": totals[0], "likes": totals[1]}), stats=True)
                if self.outbox and self.outbox[-1].stats:
                    self.outbox[-1] = stats  # the one still waiting is out of date: this one replaces it
                else:
                    self.push(stats)
            if now - refreshed > GROUP_REFRESH_SECONDS:
                refreshed = now
                with contextlib.suppress(Exception):
                    await self.layer.group_add(show_group(self.show_id), self.channel)

    async def _stop(self) -> None:
        if self.hub.rooms.get(self.show_id) is self:
            del self.hub.rooms[self.show_id]
        self.refreshes.close()
        if self.chat_flush is not None:
            self.chat_flush.cancel()
        for task in self.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        with contextlib.suppress(Exception):
            await self.layer.group_discard(show_group(self.show_id), self.channel)


# The server's own `send` of a socket, kept in its scope by ServerSendInScope (marketplace/asgi.py).
SERVER_SEND = "live.server_send"


class ServerSendInScope:
    """ASGI middleware, outermost on the WebSocket stack: keeps the server's `send` in the scope, so that a room
    writes its frames to a socket without the hops of the middlewares in between. Channels' session wrapper
    looks at the session on every message it passes (for `websocket.send` it then does nothing else): about a
    fifth of a frame's fan-out to 1,000 sockets (B7, py-spy, 2026-12-05). Only the room's frames go this way;
    what a consumer sends itself passes every middleware."""

    def __init__(self, inner) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        return await self.inner(dict(scope, **{SERVER_SEND: send}), receive, send)


def _server_send(socket):
    """The send a room writes a socket's frames with: the server's own when the stack kept it, else the
    consumer's (a test's communicator has no server)."""
    return socket.scope.get(SERVER_SEND) or socket.base_send


def _refresh_window(subject: tuple[str, int | None]) -> float:
    kind = ROOM_FRAMES.get(subject[0])
    return 1.0 if kind is None else kind.window_seconds


_closing: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks


async def _close_quietly(socket) -> None:
    """Closes a socket dropped for not reading. No time limit: the close frame goes out when its viewer
    reads again (then the client reconnects with `?after=`), or the send ends when the connection does."""
    with contextlib.suppress(Exception):
        await socket.close(code=CLOSE_TOO_SLOW)


class RoomHub:
    """This process's rooms (one hub per event loop)."""

    _hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self) -> None:
        self.rooms: dict[int, Room] = {}

    @classmethod
    def current(cls) -> RoomHub:
        loop = asyncio.get_running_loop()
        hub = cls._hubs.get(loop)
        if hub is None:
            hub = cls._hubs[loop] = cls()
        return hub

    async def join(self, show_id: int, socket) -> Room:
        """The socket joins the room held: its frames wait until `release` (after its history)."""
        room = self.rooms.get(show_id)
        if room is None:
            room = self.rooms[show_id] = Room(self, show_id)
        room.hold(socket)
        try:
            await asyncio.shield(room.ready)
        except BaseException:
            room.leave(socket)
            raise
        return room
