"""live.push_window: a burst of changes becomes one frame at once and one at the window's end, whose build
reads the last change; a change made while a frame is being built gets a frame of its own; frames of a subject
are a window apart. Then the same through a real room socket and the deals' `remaining`."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from deals.broadcast import REMAINING_WINDOW_SECONDS
from deals.tests.test_deal_races import _claim_now, _race
from deals.tests.test_deals_api import deal_started
from live.consumers import ShowConsumer
from live.push_window import PushWindow
from live.room_hub import ServerSendInScope
from live.tests.test_consumers import frames, join_frames, room
from tests.factories import UserFactory
from tests.sockets import Communicator

WINDOW = 0.2


class Counter:
    """A subject's state (a count that changes) and the frames pushed: (loop time, the count it read)."""

    def __init__(self, *, build_seconds: float = 0.0) -> None:
        self.count = 0
        self.pushed: list[tuple[float, int]] = []
        self.build_seconds = build_seconds

    async def push(self, _subject) -> None:
        read = self.count
        await asyncio.sleep(self.build_seconds)  # the build's database round trip
        self.pushed.append((asyncio.get_running_loop().time(), read))


def test_a_burst_is_pushed_at_once_then_once_at_the_windows_end_with_the_last_change():
    async def scenario() -> Counter:
        counter = Counter()
        window = PushWindow(counter.push, window=lambda _s: WINDOW)
        for _change in range(20):
            counter.count += 1
            window.changed("deal:1")
            await asyncio.sleep(0.005)  # 20 changes in 0.1 s, inside one window
        await asyncio.sleep(3 * WINDOW)
        return counter

    counter = asyncio.run(scenario())

    assert [count for _at, count in counter.pushed] == [1, 20]  # the first at once, the last change at the end
    assert counter.pushed[1][0] - counter.pushed[0][0] >= WINDOW * 0.95


def test_a_change_during_a_build_gets_a_frame_of_its_own_and_frames_stay_a_window_apart():
    async def scenario() -> Counter:
        counter = Counter(build_seconds=0.05)
        window = PushWindow(counter.push, window=lambda _s: WINDOW)
        counter.count = 1
        window.changed("card")
        await asyncio.sleep(0.02)  # the first build has read 1 and is still running
        counter.count = 2
        window.changed("card")
        for _change in range(30):  # then a steady stream for about three windows
            await asyncio.sleep(0.02)
            counter.count += 1
            window.changed("card")
        await asyncio.sleep(3 * WINDOW)
        return counter

    counter = asyncio.run(scenario())

    counts = [count for _at, count in counter.pushed]
    assert counts[0] == 1 and counts[-1] == 32  # the change made during the first build was not lost
    sent = [at for at, _count in counter.pushed]
    assert all(b - a >= (WINDOW + 0.05) * 0.95 for a, b in itertools.pairwise(sent))  # a window + the next build
    assert len(counts) <= 2 + (0.02 * 31) / WINDOW  # bounded by the window, not by the 32 changes


def test_subjects_have_windows_of_their_own():
    async def scenario() -> list:
        pushed = []

        async def push(subject) -> None:
            pushed.append(subject)

        window = PushWindow(push, window=lambda _s: WINDOW)
        window.changed(("deal", 1))
        window.changed(("deal", 2))
        await asyncio.sleep(0.01)
        return pushed

    assert asyncio.run(scenario()) == [("deal", 1), ("deal", 2)]


@pytest.mark.django_db(transaction=True)
def test_a_room_gets_the_last_remaining_of_a_burst_of_claims_in_frames_a_window_apart():
    """10 buyers claim the last 10 units at once (real threads, real checkouts): the viewer's last frame says
    0, and the frames are bounded by the window (~4 a second), not by the claims."""
    deal, show, _sku = deal_started(stock=100, quantity=10, limit=1)
    User.objects.bulk_create([User(username=f"burst{n}", email=f"burst{n}@example.com") for n in range(10)])
    buyers = list(User.objects.filter(username__startswith="burst"))

    async def scenario() -> tuple[list[dict], float]:
        viewer = room(show)
        assert (await viewer.connect())[0]
        await join_frames(viewer, quiet=0.3)  # status, pinned; joined the room's group
        started = time.monotonic()
        outcomes = await asyncio.to_thread(_race, [lambda b=b: _claim_now(b, show, deal) for b in buyers])
        elapsed = time.monotonic() - started
        assert outcomes.count("ok") == 10
        got = await frames(viewer, quiet=1.0)
        await viewer.disconnect()
        return [f["deal"] for f in got if f["type"] == "deal"], elapsed

    deals, elapsed = asyncio.run(scenario())

    assert deals[-1]["remaining"] == 0 and deals[-1]["id"] == deal.pk
    assert len(deals) <= 2 + elapsed / REMAINING_WINDOW_SECONDS, (len(deals), elapsed)


@pytest.mark.django_db(transaction=True)
def test_a_room_writes_its_frames_with_the_servers_send_past_the_middlewares():
    """ServerSendInScope (outermost, as in marketplace/asgi.py): the room's frames skip the middlewares in
    between (a spy there sees the socket's own frames, not the room's), and still reach the socket."""
    deal, show, _sku = deal_started(stock=100, quantity=10, limit=1)
    passed: list[str] = []

    def spy(inner):
        async def app(scope, receive, send):
            async def spied(message):
                passed.append(message.get("text") or message["type"])
                await send(message)

            return await inner(scope, receive, spied)

        return app

    async def scenario() -> list[dict]:
        viewer = Communicator(ServerSendInScope(spy(ShowConsumer.as_asgi())), f"/ws/shows/{show.pk}/")
        viewer.scope.update(user=AnonymousUser(), url_route={"args": (), "kwargs": {"show_id": show.pk}})
        assert (await viewer.connect())[0]
        await join_frames(viewer, quiet=0.3)
        await asyncio.to_thread(_race, [lambda: _claim_now(UserFactory(), show, deal)], 1)
        got = await frames(viewer, quiet=1.0)
        await viewer.disconnect()
        return got

    got = asyncio.run(scenario())

    assert [f["deal"]["remaining"] for f in got if f["type"] == "deal"] == [9]
    assert not [text for text in passed if '"type": "deal"' in text]  # the room's frame went past the spy
    assert [text for text in passed if '"type": "status"' in text]  # the consumer's own frames did not
