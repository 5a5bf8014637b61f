"""The marketplace's ASGI application plus two bare endpoints, the ceilings of B2 and B3, in one server.

- `GET /bare/json`: a raw ASGI JSON answer the size of a product-list item (no Django, no database);
- `/bare/ws/<room>/`: a raw ASGI WebSocket broadcaster: every text frame goes to every socket in the
  room (the sender too), in this process, with no channel layer, no database, no auth.

Everything else goes to `marketplace.asgi:application` untouched, so both run on the same uvicorn with
the same settings: `uvicorn bench.bare_asgi:application`.
"""

from __future__ import annotations

import json
import os
import sys

# An experiment knob (bench/RESULTS.md): the GIL switch interval of the server's workers.
if os.environ.get("BENCH_SWITCH_INTERVAL"):
    sys.setswitchinterval(float(os.environ["BENCH_SWITCH_INTERVAL"]))

from marketplace.asgi import application as marketplace_application  # noqa: E402

_BODY = json.dumps({"count": 1, "next": None, "previous": None, "results": [
    {"id": 1, "title": "湖南农家腌萝卜 pickled radish", "price_min": "28.00", "currency": "CNY",
     "thumbnail_url": None, "shop": {"slug": "bench", "name": "湖南老农家"}, "province": "湖南", "rating": None,
     "sales": 10}]}, ensure_ascii=False).encode()
_ROOMS: dict[str, set] = {}


async def _bare_json(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(_BODY)).encode())]})
    await send({"type": "http.response.body", "body": _BODY})


async def _bare_ws(scope, receive, send) -> None:
    room = scope["path"].rstrip("/").rsplit("/", 1)[-1]
    members = _ROOMS.setdefault(room, set())
    try:
        while True:
            event = await receive()
            if event["type"] == "websocket.connect":
                await send({"type": "websocket.accept"})
                members.add(send)
            elif event["type"] == "websocket.receive":
                frame = {"type": "websocket.send", "text": event.get("text") or ""}
                for member in list(members):
                    try:
                        await member(frame)
                    except Exception:  # a socket closing under us: drop it
                        members.discard(member)
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
