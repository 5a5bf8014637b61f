"""Acceptance of the production topology: the Procfile started as `make run` starts it (nginx in front,
the HTTP server, the socket server for /ws/, a Celery worker per queue, beat), and a buyer's journey
through nginx only."""

from __future__ import annotations

import asyncio
import http.client
import io
import json
import os
import time
import uuid

import pytest
import redis
import websockets
from django.conf import settings
from PIL import Image

from catalog.models import ProductImage
from tests.factories import ShopFactory, UserFactory, make_product, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# The client connects from another loopback address than nginx's own, so the address the app sees can
# only be the one nginx forwarded.
CLIENT_ADDRESS = "127.0.0.2"


def call(topology, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
    port = int(topology.url.rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(CLIENT_ADDRESS, 0))
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def noise_png(width: int, height: int) -> bytes:
    """A photo that does not compress: well past nginx's default 1 MB body limit."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def multipart(field: str, filename: str, data: bytes, content_type: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def wait_for(condition, timeout: float, what: str, topology):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}\n{topology.log()}")


def test_a_buyers_journey_through_nginx(topology):
    # given a shop with a product, its owner and a buyer
    seller = UserFactory(username="topology-seller")
    shop = ShopFactory(owner=seller, slug="topology-farm")
    product = make_product(shop=shop, title="湖南农家腌萝卜 topology")
    buyer = UserFactory(username="topology-buyer")
    seller_auth = {"Authorization": f"Token {token_for(seller)}", "Accept": "application/json"}
    buyer_auth = {"Authorization": f"Token {token_for(buyer)}", "Accept": "application/json"}

    # a page: proxied to the HTTP server
    status, headers, body = call(topology, "GET", f"/product/{product.pk}/")
    assert status == 200, body[:500]
    assert "湖南农家腌萝卜 topology" in body.decode()
    assert "content-security-policy" in headers  # the app answered
    assert "server" not in headers or "nginx/" not in headers["server"]  # server_tokens off

    # a static file: from nginx's disk, with cache headers
    status, headers, css = call(topology, "GET", "/static/css/site.css")
    assert status == 200 and b"--brand" in css
    assert headers["cache-control"] == "public, max-age=600"
    assert "content-security-policy" not in headers  # Django adds it to all it answers: this was nginx

    # an upload through nginx (past nginx's default 1 MB body limit); the media worker makes its
    # thumbnail; nginx serves both files with long cache headers
    photo = noise_png(800, 800)
    assert len(photo) > 1024 * 1024
    body, content_type = multipart("image", "radish.png", photo, "image/png")
    status, _headers, answer = call(
        topology,
        "POST",
        f"/api/v1/seller/products/{product.pk}/images/",
        body=body,
        headers={**seller_auth, "Content-Type": content_type},
    )
    assert status == 201, answer[:500]
    image_id = json.loads(answer)["id"]
    thumbnails = ProductImage.objects.exclude(thumbnail="").filter(pk=image_id).values_list("thumbnail", flat=True)
    thumbnail = wait_for(
        lambda: thumbnails.first(),
        30,
        "the media worker's thumbnail",
        topology,
    )
    status, headers, data = call(topology, "GET", settings.MEDIA_URL + thumbnail)
    assert status == 200 and data[:3] in (b"\xff\xd8\xff", b"RIF", b"\x89PN")
    assert headers["cache-control"] == "public, max-age=2592000, immutable"

    # a chat: the buyer's socket through nginx's /ws/ to the socket server
    status, _headers, answer = call(
        topology,
        "POST",
        "/api/v1/conversations/",
        body=json.dumps({"shop": shop.slug}).encode(),
        headers={**buyer_auth, "Content-Type": "application/json"},
    )
    assert status in (200, 201), answer[:500]
    conversation = json.loads(answer)["id"]

    async def chat() -> tuple[dict, dict]:
        origin = topology.url
        path = f"/ws/chat/{conversation}/"
        async with (
            websockets.connect(topology.ws_url + path, origin=origin, additional_headers=buyer_auth) as buyer_ws,
            websockets.connect(topology.ws_url + path, origin=origin, additional_headers=seller_auth) as seller_ws,
        ):
            await buyer_ws.send(json.dumps({"type": "message", "text": "还有货吗？", "client_id": "c1"}))
            heard = await _next_message(seller_ws)
            # the seller answers over HTTP (the other server): the channel layer carries it to the buyer's socket
            status, _h, reply = await asyncio.to_thread(
                call,
                topology,
                "POST",
                f"/api/v1/conversations/{conversation}/messages/",
                body=json.dumps({"text": "有的，今天发货"}).encode(),
                headers={**seller_auth, "Content-Type": "application/json"},
            )
            assert status == 201, reply[:500]
            answered = await _next_message(buyer_ws, skip_text="还有货吗？")
            return heard, answered

    heard, answered = asyncio.run(asyncio.wait_for(chat(), 30))
    assert heard["text"] == "还有货吗？"
    assert answered["text"] == "有的，今天发货"

    # the client's address as the app sees it: the one nginx forwarded, not one the client claims
    status, _headers, _body = call(
        topology,
        "POST",
        "/api/v1/auth/token/",
        body=json.dumps({"username": "topology-buyer", "password": "wrong password"}).encode(),
        headers={"Content-Type": "application/json", "X-Forwarded-For": "6.6.6.6"},
    )
    assert status == 400
    client = redis.Redis.from_url(topology.env["REDIS_URL"])
    prefix = topology.env["CACHE_KEY_PREFIX"]
    assert list(client.scan_iter(match=f"{prefix}:*rl:login_address:a{CLIENT_ADDRESS}:*"))
    assert not list(client.scan_iter(match=f"{prefix}:*rl:login_address:a6.6.6.6:*"))

    # every process of the Procfile came up and is still running (honcho stops all when one exits)
    assert topology.process.poll() is None, topology.log()
    log = topology.log_path.read_text(errors="replace")
    for name in ("nginx", "web", "ws", "worker", "payouts", "notifications", "media", "beat"):
        assert f"{name}.1 started" in log, name
    assert "beat: Starting" in log


async def _next_message(ws, *, skip_text: str | None = None) -> dict:
    while True:
        frame = json.loads(await ws.recv())
        if frame.get("type") == "message" and frame["message"].get("text") != skip_text:
            return frame["message"]
