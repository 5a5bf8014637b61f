"""A big room's fan-out (live.room_hub): chat in batches, nothing lost on join, a socket that stopped
reading never delays the room. On the Redis channel layer, with the real services sending from another thread."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer

from live import consumers as live_consumers
from live import room_hub
from live.groups import show_group
from live.models import RoomMessage
from live.room_hub import RoomHub
from live.services.room import room_message_send
from live.tests.test_consumers import frames, frames_until, join_frames, room
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


def _stored_ids(show) -> list[int]:
    return list(RoomMessage.objects.filter(show=show).order_by("id").values_list("id", flat=True))


def test_a_fast_chat_reaches_every_viewer_in_few_frames_with_every_message(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "live_chat": "1000/10s"}
    show = make_show()
    users = [UserFactory() for _ in range(4)]

    async def scenario():
        watchers = [room(show) for _ in range(3)]
        for comm in watchers:
            await comm.connect()
            await join_frames(comm, quiet=0.2)
        started = time.monotonic()
        thread = _send_in_thread(show, users, 60, 0.005)
        await asyncio.to_thread(thread.join)
        ids = set(await sync_to_async(_stored_ids)(show))
        got = [await frames_until(comm, lambda f: set(_chat_ids(f)) >= ids, quiet=0.5) for comm in watchers]
        elapsed = time.monotonic() - started
        for comm in watchers:
            await comm.disconnect()
        return got, elapsed

    got, elapsed = asyncio.run(scenario())
    ids = _stored_ids(show)
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
        ids = set(await sync_to_async(_stored_ids)(show))
        got = [await frames_until(comm, lambda f: set(_chat_ids(f)) >= ids, quiet=0.5) for comm in [first, *joined]]
        for comm in [first, *joined]:
            await comm.disconnect()
        return got

    got = asyncio.run(scenario())
    ids = _stored_ids(show)
    for frames_of_one in got:
        assert sorted(_chat_ids(frames_of_one)) == ids  # history + live: all of them, none twice


class _Client:
    """A socket's sending side as the hub sees it; `stuck` never finishes a send (a viewer who stopped
    reading: uvicorn waits for its write buffer to drain before writing)."""

    def __init__(self, stuck: bool = False) -> None:
        self.scope: dict = {}  # no server's send kept (live.room_hub.ServerSendInScope): the room uses base_send
        self.stuck = stuck
        self.got: list[str] = []
        self.at: list[float] = []
        self.closed: int | None = None

    async def base_send(self, message: dict) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.got.append(message["text"])
        self.at.append(time.monotonic())

    async def send(self, text_data: str) -> None:
        self.got.append(text_data)

    async def close(self, code: int | None = None) -> None:
        self.closed = code


def test_a_viewer_who_stopped_reading_is_closed_at_once_and_never_delays_the_others():
    show = make_show()
    writer = UserFactory()

    async def scenario():
        stuck, reader = _Client(stuck=True), _Client()
        for client in (stuck, reader):  # the stuck one first: the pump reaches it before the reader
            joined = await RoomHub.current().join(show.pk, client)
            await joined.release(client, set())
        sent_at = time.monotonic()
        await sync_to_async(room_message_send)(show=show, user=writer, text="one")
        deadline = time.monotonic() + 5
        while not reader.got and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        await sync_to_async(room_message_send)(show=show, user=writer, text="two")
        await asyncio.sleep(0.5)
        room_of = RoomHub.current().rooms[show.pk]
        return stuck.closed, reader, reader.at[0] - sent_at if reader.at else None, stuck in room_of

    closed, reader, waited, still_in = asyncio.run(scenario())
    assert closed == room_hub.CLOSE_TOO_SLOW and not still_in
    assert waited is not None and waited < 1.0, waited  # not held while the stuck send waits
    texts = [t for t in reader.got if '"chat_batch"' in t]
    assert len(texts) == 2 and '"one"' in texts[0] and '"two"' in texts[1]


class _BusyClient(_Client):
    """Every send costs the event loop 0.2 s of work (a process short of CPU): the pump falls behind."""

    async def base_send(self, message: dict) -> None:
        time.sleep(0.2)
        self.got.append(message["text"])


def test_a_room_that_falls_behind_sends_fewer_fuller_frames_and_every_message_in_order():
    show = make_show()

    async def scenario():
        client = _BusyClient()
        joined = await RoomHub.current().join(show.pk, client)
        await joined.release(client, set())
        started, n = time.monotonic(), 0
        while n < 200:  # 100 messages a second for 2 s: 20 frames at one per 100 ms
            due = min(200, int((time.monotonic() - started) * 100) + 1)
            for pk in range(n + 1, due + 1):
                joined.event({"type": "live.frame", "message_id": pk, "text": f'{{"id": {pk}}}'})
            n = due
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.0)
        return client.got

    got = asyncio.run(scenario())
    import json

    batches = [json.loads(text)["messages"] for text in got if '"chat_batch"' in text]
    assert [m["id"] for batch in batches for m in batch] == list(range(1, 201))
    assert len(batches) <= 14, len(batches)  # one per round of writing (0.2 s), not one per 100 ms


def test_messages_sent_while_one_is_stored_go_in_few_database_calls_and_room_events_in_order(settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "live_chat": "1000/10s"}
    show = make_show()
    writer = UserFactory()
    calls: list[int] = []
    store = live_consumers._messages_store

    def counted(show, user, role, batch):
        calls.append(len(batch))
        return store(show, user, role, batch)

    monkeypatch.setattr(live_consumers, "_messages_store", counted)
    layer = get_channel_layer()
    events: list[dict] = []
    group_send = layer.group_send

    async def counted_send(group, event):
        if group == show_group(show.pk):
            events.append(event)
            await asyncio.sleep(0.05)  # a busy Redis: the next messages are stored while this one is sent
        await group_send(group, event)

    monkeypatch.setattr(layer, "group_send", counted_send)

    async def scenario():
        comm = room(show, writer)
        await comm.connect()
        await join_frames(comm)
        for n in range(12):
            await comm.send_json_to({"type": "message", "text": f"m{n}", "client_id": f"c{n}"})
        await comm.send_json_to({"type": "message", "text": 5, "client_id": "bad"})  # refused, alone
        got = await frames(comm, quiet=1.0)
        await comm.disconnect()
        return got

    got = asyncio.run(scenario())
    stored = list(RoomMessage.objects.filter(show=show).order_by("id").values_list("text", flat=True))
    assert stored == [f"m{n}" for n in range(12)]  # all of them, in the order sent
    assert [m["text"] for f in got if f["type"] == "chat_batch" for m in f["messages"]] == stored
    assert [f["client_id"] for f in got if f["type"] == "error"] == ["bad"]
    assert sum(calls) == 13 and len(calls) < 13, calls  # not one database call per message
    # … nor one room event each: what is stored while a send is in flight goes next, merged, in order
    assert [e["message_id"] for one in events for e in one.get("events") or (one,)] == list(
        RoomMessage.objects.filter(show=show).order_by("id").values_list("id", flat=True)
    )
    assert len(events) < 12, len(events)
