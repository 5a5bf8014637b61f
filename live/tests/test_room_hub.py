"""A big room's fan-out (live.room_hub): chat in batches, nothing lost on join, a stuck socket never holds
the room. On the Redis channel layer, with the real services sending from another thread."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from asgiref.sync import sync_to_async

from live import room_hub
from live.models import RoomMessage
from live.room_hub import RoomHub
from live.services.room import room_message_send
from live.tests.test_consumers import frames, room
from tests.factories import UserFactory, make_show

pytestmark = pytest.mark.django_db(transaction=True)


def _send_in_thread(show, users, count: int, pause: float) -> threading.Thread:
    def run():
        from django.db import connection

        try:
            for n in range(count):
                room_message_send(show=show, user=users[n % len(users)], text=f"m{n}", client_id=f"c{n}")
                time.sleep(pause)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _chat_ids(got: list[dict]) -> list[int]:
    return [m["id"] for f in got if f["type"] == "chat_batch" for m in f["messages"]]


def test_a_fast_chat_reaches_every_viewer_in_few_frames_with_every_message(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "live_chat": "1000/10s"}
    show = make_show()
    users = [UserFactory() for _ in range(4)]

    async def scenario():
        watchers = [room(show) for _ in range(3)]
        for comm in watchers:
            await comm.connect()
            await frames(comm, quiet=0.2)
        started = time.monotonic()
        thread = _send_in_thread(show, users, 60, 0.005)
        await asyncio.to_thread(thread.join)
        got = [await frames(comm, quiet=0.5) for comm in watchers]
        elapsed = time.monotonic() - started
        for comm in watchers:
            await comm.disconnect()
        return got, elapsed

    got, elapsed = asyncio.run(scenario())
    ids = list(RoomMessage.objects.filter(show=show).order_by("id").values_list("id", flat=True))
    assert len(ids) == 60
    for frames_of_one in got:
        assert sorted(_chat_ids(frames_of_one)) == ids  # every message, once
        chat_frames = [f for f in frames_of_one if f["type"] == "chat_batch"]
        # at most one chat frame per CHAT_BATCH_SECONDS (and one to start), whatever the chat rate
        assert len(chat_frames) <= elapsed / room_hub.CHAT_BATCH_SECONDS + 2, (len(chat_frames), elapsed)
        assert len(chat_frames) < 60


def test_viewers_joining_while_the_room_chats_miss_nothing_and_see_nothing_twice(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "live_chat": "1000/10s"}
    show = make_show()
    users = [UserFactory() for _ in range(4)]

    async def scenario():
        first = room(show)
        await first.connect()  # the room exists in this process before the others join
        thread = _send_in_thread(show, users, 40, 0.01)
        joined = []
        for _ in range(6):
            comm = room(show)
            await comm.connect()
            joined.append(comm)
            await asyncio.sleep(0.05)
        await asyncio.to_thread(thread.join)
        got = [await frames(comm, quiet=0.5) for comm in [first, *joined]]
        for comm in [first, *joined]:
            await comm.disconnect()
        return got

    got = asyncio.run(scenario())
    ids = list(RoomMessage.objects.filter(show=show).order_by("id").values_list("id", flat=True))
    for frames_of_one in got:
        assert sorted(_chat_ids(frames_of_one)) == ids  # history + live: all of them, none twice


class _Client:
    """A socket's sending side as the hub sees it; `stuck` never finishes a send (a viewer who stopped
    reading, with full buffers)."""

    closed_by_server = False

    def __init__(self, stuck: bool = False) -> None:
        self.stuck = stuck
        self.got: list[str] = []
        self.closed: int | None = None

    async def base_send(self, message: dict) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.got.append(message["text"])

    async def send(self, text_data: str) -> None:
        self.got.append(text_data)

    async def close(self, code: int | None = None) -> None:
        self.closed = code


def test_a_viewer_who_stopped_reading_is_closed_and_never_holds_the_room(monkeypatch):
    monkeypatch.setattr(room_hub, "STUCK_SECONDS", 1.0)
    show = make_show()
    writer = UserFactory()

    async def scenario():
        stuck, reader = _Client(stuck=True), _Client()
        for client in (stuck, reader):
            joined = await RoomHub.current().join(show.pk, client)
            await joined.release(client, set())
        await sync_to_async(room_message_send)(show=show, user=writer, text="one")
        deadline = time.monotonic() + 10
        while stuck.closed is None and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        await sync_to_async(room_message_send)(show=show, user=writer, text="two")
        await asyncio.sleep(0.5)
        room_of = RoomHub.current().rooms[show.pk]
        return stuck.closed, reader.got, stuck in room_of.sockets

    closed, got, still_in = asyncio.run(scenario())
    assert closed == room_hub.CLOSE_TOO_SLOW and not still_in
    texts = [t for t in got if '"chat_batch"' in t]
    assert len(texts) == 2 and '"one"' in texts[0] and '"two"' in texts[1]


class _SlowClient(_Client):
    """Every send takes 0.4 s: the pump falls behind."""

    async def base_send(self, message: dict) -> None:
        await asyncio.sleep(0.4)
        self.got.append(message["text"])


def test_a_room_that_falls_behind_sends_fewer_fuller_frames_and_every_message_in_order():
    show = make_show()

    async def scenario():
        client = _SlowClient()
        joined = await RoomHub.current().join(show.pk, client)
        await joined.release(client, set())
        for n in range(200):  # 100 messages a second for 2 s: 20 frames at one per 100 ms
            joined.event({"type": "live.frame", "message_id": n + 1, "text": f'{{"id": {n + 1}}}'})
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.5)
        return client.got

    got = asyncio.run(scenario())
    import json

    batches = [json.loads(text)["messages"] for text in got if '"chat_batch"' in text]
    assert [m["id"] for batch in batches for m in batch] == list(range(1, 201))
    assert len(batches) <= 8, len(batches)  # one per round of writing (0.4 s), not one per 100 ms
