"""Frames that follow a changing count, coalesced by the room: "this changed" notices become at most one frame
per window per subject, each built from the database just before it is sent (issue 22, bench B7).

A service that changed something the room shows (a deal's `remaining`, the pinned card's stock) calls
`live.services.broadcast.room_refresh_on_commit(show_id, kind, key)`; after its commit the notice reaches the
room of every socket server process (live.room_hub), which builds the frame with the kind's builder —
registered by the app that owns the data, in its AppConfig.ready(), as SHOW_PARTS are:

    ROOM_FRAMES.register(name="deal", build=deal_frame, window_seconds=0.25)
    # build(show_id, key) -> the frame (a dict), or None to send nothing; sync, may query the database

and pushes it to the room's sockets through a PushWindow (per subject = kind and key):

- the first notice after a quiet window is built and pushed at once;
- notices inside the window wait for its end and are pushed together, once, by the room's own timer;
- a subject's mark is cleared before its builder reads the database, so a change noticed during a build is
  pushed by the next one: no change is left unpushed, and a socket gets at most one frame per window per
  subject, however many changes land.

Before, deals and the pinned card each kept a Redis window and queued a Celery task for its end: a broker
round trip and a worker's start before every trailing frame, and a change landing between the window's
expiry and the late flush was pushed twice (B7: 6 `deal` frames in one second).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RoomFrameKind:
    name: str
    build: Callable[[int, int | None], dict | None]
    window_seconds: float


class RoomFrameKinds:
    def __init__(self) -> None:
        self._kinds: dict[str, RoomFrameKind] = {}

    def register(self, *, name: str, build: Callable[[int, int | None], dict | None], window_seconds: float) -> None:
        """Registering a name again replaces it (ready() may run more than once)."""
        self._kinds[name] = RoomFrameKind(name=name, build=build, window_seconds=window_seconds)

    def get(self, name: str) -> RoomFrameKind | None:
        return self._kinds.get(name)


ROOM_FRAMES = RoomFrameKinds()


class PushWindow:
    """Per subject: the first change after a quiet window is pushed at once, the changes inside a window once
    at its end. One event loop; `push(subject)` reads the subject's state and sends it (awaited, never two at
    once for a subject); `window(subject)` is its window in seconds, counted from the end of one push (its frame
    handed to the room's writer) to the start of the next, so a subject's frames leave at least a window apart
    however long a build takes."""

    def __init__(self, push: Callable[[Hashable], Awaitable[None]], window: Callable[[Hashable], float]) -> None:
        self._push = push
        self._window = window
        self._changed: set[Hashable] = set()
        self._last: dict[Hashable, float] = {}  # subject -> loop time its last push ended
        self._tasks: dict[Hashable, asyncio.Task] = {}

    def changed(self, subject: Hashable) -> None:
        """A change of `subject` was committed: it will be pushed at once, or at the end of the window."""
        self._changed.add(subject)
        if subject not in self._tasks:
            loop = asyncio.get_running_loop()
            self._tasks[subject] = loop.create_task(self._run(subject, loop))

    async def _run(self, subject: Hashable, loop: asyncio.AbstractEventLoop) -> None:
        try:
            while subject in self._changed:
                window = self._window(subject)
                wait = self._last.get(subject, -window) + window - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                # Cleared before the push reads: a change noticed from here on gets a push of its own.
                self._changed.discard(subject)
                try:
                    await self._push(subject)
                except Exception:  # stored state is the truth: the next change (or a reconnect) shows it
                    logger.exception("room push of %s failed", subject)
                self._last[subject] = loop.time()
        finally:
            del self._tasks[subject]
            self._forget_quiet(loop.time())

    def _forget_quiet(self, now: float) -> None:
        """Subjects whose window has passed need no memory (a show's deals come and go)."""
        if len(self._last) > 64:
            for subject, ended in list(self._last.items()):
                if subject not in self._tasks and now - ended > self._window(subject):
                    del self._last[subject]

    def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
