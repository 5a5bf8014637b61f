"""The marketplace's ASGI application plus two bare endpoints, the ceilings of B2 and B3, in one server.

- `GET /bare/json`: a raw ASGI JSON answer the size of a product-list item (no Django, no database);
- `/bare/ws/<room>/`: a raw ASGI WebSocket broadcaster: every text frame goes to every socket in the
  room (the sender too) through one Redis PUBLISH (so it works across uvicorn workers, as the channel
  layer does), with no Channels consumer, no channel layer, no database, no auth.

Everything else goes to `marketplace.asgi:application` untouched, so both run on the same uvicorn with
the same settings: `uvicorn bench.bare_asgi:application`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

# An experiment knob (bench/RESULTS.md): the GIL switch interval of the server's workers.
if os.environ.get("BENCH_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))

# An experiment knob (bench/RESULTS.md): log the garbage collector's pauses of 10 ms and more.
if os.environ.get("BENCH_GC_LOG"):
    import gc
    import time

    _gc_started = [0.0]

    def _gc_log(phase, info):
        if phase == "start":
            _gc_started[0] = time.perf_counter()
        elif (ms := 1000 * (time.perf_counter() - _gc_started[0])) >= 10:
            print(f"gc pause: generation {info['generation']}, {ms:.0f} ms, {info['collected']} collected", flush=True)

    gc.callbacks.append(_gc_log)

from marketplace.asgi import application as marketplace_application

# An experiment knob (bench/RESULTS.md): the garbage collector's thresholds, e.g. "700,10,10" (Python's).
if os.environ.get("BENCH_GC_THRESHOLD"):
    import gc

    gc.set_threshold(*(int(x) for x in os.environ["BENCH_GC_THRESHOLD"].split(",")))

_BODY = json.dumps(
    {
        "count": 1,
        "next": None,
        "previous": None,
        "results": [
            {
                "id": 1,
                "title": "湖南农家腌萝卜 pickled radish",
                "price_min": "28.00",
                "currency": "CNY",
                "thumbnail_url": None,
                "shop": {"slug": "bench", "name": "湖南老农家"},
                "province": "湖南",
                "rating": None,
                "sales": 10,
            }
        ],
    },
    ensure_ascii=False,
).encode()
_ROOMS: dict[str, set] = {}
_CHANNEL = "bench:bare:"
_hub = None


class _Hub:
    """Cross-worker fan-out for the bare broadcaster: one Redis pub/sub subscription per worker process
    (like the channel layer, so it works with any number of uvicorn workers), local rooms in memory."""

    def __init__(self) -> None:
        import redis.asyncio as redis

        url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"
        self.redis = redis.Redis.from_url(url, socket_timeout=None)
        self.pubsub = self.redis.pubsub()
        self.ready = asyncio.Event()
        self.task = asyncio.create_task(self._listen())

    async def _listen(self) -> None:
        await self.pubsub.psubscribe(_CHANNEL + "*")
        self.ready.set()
        async for message in self.pubsub.listen():
            if message["type"] != "pmessage":
                continue
            room = message["channel"].decode()[len(_CHANNEL) :]
            frame = {"type": "websocket.send", "text": message["data"].decode()}
            for member in list(_ROOMS.get(room, ())):
                try:
                    await member(frame)
                except Exception:  # a socket closing under us: drop it
                    _ROOMS.get(room, set()).discard(member)

    async def publish(self, room: str, text: str) -> None:
        await self.redis.publish(_CHANNEL + room, text)


async def _bare_json(scope, receive, send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": _BODY})


async def _bare_ws(scope, receive, send) -> None:
    global _hub
    if _hub is None:
        _hub = _Hub()
    await _hub.ready.wait()
    room = scope["path"].rstrip("/").rsplit("/", 1)[-1]
    members = _ROOMS.setdefault(room, set())
    try:
        while True:
            event = await receive()
            if event["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
                members.add(send)
            elif event["type"] == "websocket.receive":
                await _hub.publish(room, event.get("text") or "")
            elif event["type"] == "websocket.disconnect":
                break
    finally:
        members.discard(send)
        if not members:
            _ROOMS.pop(room, None)


async def application(scope, receive, send) -> None:
    path = scope.get("path", "")
    if path.startswith("/bare/"):
        if scope["type"] == "http":
            return await _bare_json(scope, receive, send)
        if scope["type"] == "websocket":
            return await _bare_ws(scope, receive, send)
    return await marketplace_application(scope, receive, send)
