"""The ASGI handler (common/asgi.py): a request's sync work runs on one thread, which also returns its
database connection; the thread serves the next request; streamed answers and early disconnects."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from django.core import signals
from django.db import connections
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import path

from common.asgi import SyncRequestASGIHandler

pytestmark = pytest.mark.django_db(transaction=True)

seen: dict[str, list] = {}


def _note(key: str, value=None) -> None:
    seen.setdefault(key, []).append(value if value is not None else threading.get_ident())


def query_view(request):
    _note("view")
    from accounts.models import User

    User.objects.exists()
    seen.setdefault("connection", []).append(connections["default"])  # this thread's own
    return HttpResponse("ok")


_running = {"now": 0, "most": 0}
_running_lock = threading.Lock()


def slow_view(request):
    _note("view")
    with _running_lock:
        _running["now"] += 1
        _running["most"] = max(_running["most"], _running["now"])
    time.sleep(0.3)
    with _running_lock:
        _running["now"] -= 1
    _note("view_done", time.monotonic())
    return HttpResponse("late")


def streamed_view(request):
    def parts():
        _note("stream")
        yield b"one,"
        yield b"two"

    return StreamingHttpResponse(parts())


urlpatterns = [path("query/", query_view), path("slow/", slow_view), path("streamed/", streamed_view)]


@pytest.fixture
def handler(settings):
    settings.ROOT_URLCONF = __name__
    seen.clear()
    _running.update(now=0, most=0)

    def started(**kwargs):
        _note("started")

    def finished(**kwargs):
        _note("finished")
        _note("finished_at", time.monotonic())

    signals.request_started.connect(started)
    signals.request_finished.connect(finished)
    yield SyncRequestASGIHandler()
    signals.request_started.disconnect(started)
    signals.request_finished.disconnect(finished)


def _scope(path: str, client: tuple = ("127.0.0.1", 5000)) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": client,
        "server": ("testserver", 80),
    }


async def _call(
    app,
    path: str,
    *,
    disconnect_after: float | None = None,
    client: tuple = ("127.0.0.1", 5000),
    headers: list | None = None,
) -> tuple[int | None, bytes]:
    """Sends one GET; with disconnect_after, the client goes away that many seconds after its request."""
    messages: list[dict] = []
    sent_body = False

    async def receive():
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if disconnect_after is not None:
            await asyncio.sleep(disconnect_after)
            return {"type": "http.disconnect"}
        await asyncio.Event().wait()

    async def send(message):
        messages.append(message)

    await app(_scope(path, client), receive, send)
    start = next((m for m in messages if m["type"] == "http.response.start"), None)
    status = start["status"] if start else None
    if headers is not None and start:
        headers.extend(start["headers"])
    return status, b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")


def test_request_runs_on_one_thread_that_also_returns_its_database_connection(handler):
    # when
    status, body = asyncio.run(_call(handler, "/query/"))

    # then: request_started, the view and request_finished ran on the same thread (not the loop's),
    # so the connection the view used was closed (back to the pool) by its own thread
    assert (status, body) == (200, b"ok")
    assert seen["started"] == seen["view"] == seen["finished"]
    assert seen["view"][0] != threading.get_ident()
    assert seen["connection"][0].connection is None


def test_a_finished_requests_thread_serves_the_next_request(handler):
    async def two_in_a_row():
        await _call(handler, "/query/")
        await _call(handler, "/query/")

    asyncio.run(two_in_a_row())

    assert len(seen["view"]) == 2 and seen["view"][0] == seen["view"][1]
    assert all(c.connection is None for c in seen["connection"])


def test_requests_at_the_same_time_run_on_separate_threads(handler):
    async def together():
        return await asyncio.gather(_call(handler, "/slow/"), _call(handler, "/slow/"))

    started = time.monotonic()
    answers = asyncio.run(together())

    assert answers == [(200, b"late"), (200, b"late")]
    assert len(set(seen["view"])) == 2
    assert time.monotonic() - started < 0.55  # two 0.3 s views at once, not one after the other


def test_beyond_the_sync_request_limit_requests_wait_on_the_event_loop(handler, settings):
    settings.HTTP_SYNC_REQUESTS = 2

    async def three():
        return await asyncio.gather(*(_call(handler, "/slow/") for _ in range(3)))

    started = time.monotonic()
    answers = asyncio.run(three())
    took = time.monotonic() - started

    assert answers == [(200, b"late")] * 3
    assert _running["most"] == 2  # never three views at once
    assert took > 0.55  # the third waited for one of the first two


@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
def test_a_streamed_answer_is_sent_whole_and_then_closed_on_the_requests_thread(handler):
    status, body = asyncio.run(_call(handler, "/streamed/"))

    assert (status, body) == (200, b"one,two")
    assert seen["finished"] == seen["started"]


def test_a_client_leaving_early_still_gets_its_requests_connection_returned_after_the_view(handler):
    # when: the client disconnects 0.1 s into a 0.3 s view
    status, _body = asyncio.run(_call(handler, "/slow/", disconnect_after=0.1))

    # then: nothing was sent, and request_finished ran on the view's thread once the view had returned
    assert status is None
    assert seen["finished"][0] == seen["view"][0]
    assert seen["finished_at"][-1] >= seen["view_done"][0]


async def _closing_flags(handler, n: int, client: tuple = ("127.0.0.1", 5000)) -> list[bool]:
    """n GETs from one client connection: whether each answer asked to close the connection."""
    closing = []
    for _ in range(n):
        headers: list = []
        await _call(handler, "/query/", client=client, headers=headers)
        closing.append((b"connection", b"close") in headers)
    return closing


def test_a_connection_is_asked_to_close_after_its_keepalive_quota_of_answers(handler, settings):
    settings.HTTP_KEEPALIVE_REQUESTS = 3

    async def both():
        return await _closing_flags(handler, 7), await _closing_flags(handler, 2, client=("127.0.0.1", 5001))

    first, other = asyncio.run(both())

    # the 3rd and 6th answers on one connection close it (its client reconnects, maybe to another worker)
    assert first == [False, False, True, False, False, True, False]
    assert other == [False, False]


def test_no_keepalive_quota_when_it_is_zero(handler, settings):
    settings.HTTP_KEEPALIVE_REQUESTS = 0

    assert asyncio.run(_closing_flags(handler, 5)) == [False] * 5
