"""The ASGI application on a real uvicorn: HTTP pages and a WebSocket, with origin and auth checks."""

import asyncio
import json
import urllib.request

import pytest
import websockets

from accounts.tests.factories import UserFactory, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_real_server_serves_pages_and_static_files(asgi_server):
    status, body = _get(f"{asgi_server.url}/accounts/login/")
    assert status == 200 and "<form" in body
    status, css = _get(f"{asgi_server.url}/static/css/site.css")
    assert status == 200 and "--brand" in css


def test_real_server_accepts_a_websocket_and_knows_the_token_user(asgi_server):
    user = UserFactory(username="wsuser")
    token = token_for(user)

    async def talk():
        async with websockets.connect(f"{asgi_server.ws_url}/ws/ping/", origin="http://127.0.0.1",
                                      additional_headers={"Authorization": f"Token {token}"}) as ws:
            hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
            await ws.send(json.dumps({"n": 1}))
            pong = json.loads(await asyncio.wait_for(ws.recv(), 5))
            return hello, pong

    hello, pong = asyncio.run(talk())
    assert hello == {"type": "hello", "user": "wsuser"}
    assert pong == {"type": "pong", "echo": {"n": 1}}


def test_real_server_refuses_a_foreign_origin(asgi_server):
    async def talk():
        async with websockets.connect(f"{asgi_server.ws_url}/ws/ping/", origin="https://evil.example"):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as excinfo:
        asyncio.run(talk())
    assert excinfo.value.response.status_code == 403
