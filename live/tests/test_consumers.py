"""The room socket in-process (WebsocketCommunicator) on the Redis channel layer and cache."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser

from live import room_hub
from live.consumers import ShowConsumer
from live.models import RoomMessage
from live.services.room import blocked_word_add, room_message_send, room_mute, room_remove
from live.services.shows import show_end, show_update
from tests.factories import UserFactory, make_show
from tests.ratelimits import inside_one_window
from tests.sockets import Communicator

pytestmark = pytest.mark.django_db(transaction=True)


def room(show, user=None) -> Communicator:
    comm = Communicator(ShowConsumer.as_asgi(), f"/ws/shows/{show.pk}/")
    comm.scope["user"] = user or AnonymousUser()
    comm.scope["url_route"] = {"args": (), "kwargs": {"show_id": show.pk}}
    return comm


def room_after(show, user, after: int) -> Communicator:
    comm = room(show, user)
    comm.scope["query_string"] = f"after={after}".encode()
    return comm


async def frames(comm, quiet: float = 0.4) -> list[dict]:
    """Whatever arrives until nothing has for `quiet` seconds (none at all, if nothing comes)."""
    got = []
    while not await comm.receive_nothing(timeout=quiet):
        got.append(await comm.receive_json_from())
    return got


async def frames_until(comm, done: Callable[[list[dict]], bool], quiet: float = 0.4) -> list[dict]:
    """Frames until `done(frames so far)` (each waited for as long as tests.sockets allows: a slow machine
    delays them, it does not lose them), then whatever follows until nothing has for `quiet` seconds."""
    got: list[dict] = []
    while not done(got):
        got.append(await comm.receive_json_from())
    return got + await frames(comm, quiet)


async def join_frames(comm, quiet: float = 0.4) -> list[dict]:
    """The frames a room sends a socket that has just connected: `status` and `pinned` (sent after the
    history's query), then any history and stats."""
    return await frames_until(comm, lambda got: bool(got) and got[-1]["type"] == "pinned", quiet)


def texts(got: list[dict]) -> list[str]:
    """The chat messages' texts in these frames (a room sends its chat as `chat_batch` frames)."""
    return [m["text"] for f in got if f["type"] == "chat_batch" for m in f["messages"]]


async def frame_of(comm, kind: str, timeout: float = 5) -> dict:
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


def test_anyone_watches_gets_the_last_50_and_signed_in_viewers_write():
    show = make_show()
    writer = UserFactory()
    for n in range(60):
        room_message_send(show=show, user=writer, text=f"消息 {n}")

    async def scenario():
        anonymous, viewer = room(show), room(show, writer)
        assert (await anonymous.connect())[0] and (await viewer.connect())[0]
        first = await join_frames(anonymous)
        assert first[0] == {"type": "status", "status": "scheduled"}
        assert texts(first) == [f"消息 {n}" for n in range(10, 60)]
        await join_frames(viewer)
        await anonymous.send_json_to({"type": "message", "text": "hi"})
        assert (await frame_of(anonymous, "error"))["code"] == "not_authenticated"
        await viewer.send_json_to({"type": "message", "text": "多少钱一斤？", "client_id": "c-1"})
        for comm in (anonymous, viewer):
            (message,) = (await frame_of(comm, "chat_batch"))["messages"]
            assert message["text"] == "多少钱一斤？" and message["sender"]["role"] == "viewer"
        await anonymous.disconnect()
        await viewer.disconnect()

    asyncio.run(scenario())
    assert RoomMessage.objects.filter(show=show, text="多少钱一斤？", client_id="c-1").count() == 1


def test_a_reconnect_with_after_misses_nothing():
    show = make_show()
    viewer = UserFactory()
    first = room_message_send(show=show, user=viewer, text="one")
    room_message_send(show=show, user=viewer, text="two")
    room_message_send(show=show, user=viewer, text="three")

    async def scenario():
        comm = room_after(show, viewer, first.pk)
        await comm.connect()
        got = texts(await join_frames(comm))
        await comm.disconnect()
        return got

    assert asyncio.run(scenario()) == ["two", "three"]


def test_muted_removed_blocked_slow_and_too_fast_messages_never_reach_the_room(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "live_chat": "3/10s"}
    show = make_show()
    muted, removed, rude, slow, fast, other = (UserFactory() for _ in range(6))
    room_mute(show=show, by=show.shop.owner, user_id=muted.pk, minutes=10)
    blocked_word_add(shop=show.shop, word="微信")
    show_update(show=show, slow_mode_seconds=30)

    async def scenario():
        watcher = room(show, other)
        await watcher.connect()
        await join_frames(watcher)
        sockets = {}
        for name, user in {"muted": muted, "removed": removed, "rude": rude, "slow": slow, "fast": fast}.items():
            sockets[name] = room(show, user)
            await sockets[name].connect()
            await join_frames(sockets[name])
        errors = {}
        await sockets["muted"].send_json_to({"type": "message", "text": "hello"})
        errors["muted"] = (await frame_of(sockets["muted"], "error"))["code"]
        await sockets["rude"].send_json_to({"type": "message", "text": "加我微信 abc"})
        errors["rude"] = (await frame_of(sockets["rude"], "error"))["code"]
        await sockets["slow"].send_json_to({"type": "message", "text": "first"})
        await sockets["slow"].send_json_to({"type": "message", "text": "second"})
        errors["slow"] = (await frame_of(sockets["slow"], "error"))["code"]
        # The removed viewer's socket closes at once (4403), and a new one is refused.
        from asgiref.sync import sync_to_async

        await sync_to_async(room_remove)(show=show, by=show.shop.owner, user_id=removed.pk)
        notice = await frame_of(sockets["removed"], "notice")
        assert notice["code"] == "removed"
        assert (await sockets["removed"].receive_output())["code"] == 4403
        again = room(show, removed)
        await again.connect()
        assert (await again.receive_output())["code"] == 4403
        seen = texts(await frames(watcher))
        for comm in [watcher, *sockets.values()]:
            await comm.disconnect()
        return errors, seen

    errors, seen = asyncio.run(scenario())
    assert errors == {"muted": "muted", "rude": "blocked_word", "slow": "slow_mode"}
    assert seen == ["first"]  # nothing muted, blocked or too slow reached the room
    assert list(RoomMessage.objects.values_list("text", flat=True)) == ["first"]


def test_a_viewer_over_the_rate_limit_is_told(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "live_chat": "2/10s"}
    show = make_show()
    viewer = UserFactory()
    inside_one_window("2/10s", seconds=6)  # the three messages in one window

    async def scenario():
        comm = room(show, viewer)
        await comm.connect()
        await join_frames(comm)
        for n in range(3):
            await comm.send_json_to({"type": "message", "text": f"m{n}"})
        error = await frame_of(comm, "error")
        await comm.disconnect()
        return error

    error = asyncio.run(scenario())
    assert error["code"] == "rate_limited" and error["retry_after"] >= 1
    assert RoomMessage.objects.count() == 2


def test_likes_and_joins_are_one_stats_frame_a_second_not_one_broadcast_each():
    show = make_show()

    totals = {"type": "stats", "viewers": 5, "likes": 40}

    async def scenario():
        sockets = [room(show) for _ in range(5)]
        started = time.monotonic()
        for comm in sockets:
            await comm.connect()
        for _ in range(40):
            await sockets[0].send_json_to({"type": "like"})
        stats = [await frame_of(sockets[1], "stats")]
        while stats[-1] != totals:
            stats.append(await frame_of(sockets[1], "stats"))
        elapsed = time.monotonic() - started
        await asyncio.sleep(2 * room_hub.STATS_EVERY_SECONDS)  # the totals do not change: no frame follows
        later = [f for f in await frames(sockets[1], quiet=0.2) if f["type"] == "stats"]
        for comm in sockets:
            await comm.disconnect()
        return stats, elapsed, later

    stats, elapsed, later = asyncio.run(scenario())
    # 5 joins and 40 likes: at most one stats frame a second (the room's exchange ticks once a second), not
    # one each; the last has the totals, and nothing is sent while they stay the same.
    assert len(stats) <= elapsed / room_hub.STATS_EVERY_SECONDS + 1, (stats, elapsed)
    assert later == []


def test_the_status_is_pushed_when_the_show_ends():
    show = make_show()

    async def scenario():
        comm = room(show)
        await comm.connect()
        await join_frames(comm)
        from asgiref.sync import sync_to_async

        await sync_to_async(show_end)(show_id=show.pk, reason="")
        frame = await frame_of(comm, "status")
        await comm.disconnect()
        return frame

    assert asyncio.run(scenario()) == {"type": "status", "status": "ended"}
