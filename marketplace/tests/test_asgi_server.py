"""The ASGI application on a real uvicorn: HTTP pages and a WebSocket, with origin and auth checks."""

import asyncio
import json
import urllib.error
import urllib.request

import pytest
import websockets
import websockets.exceptions  # a submodule: not an attribute until imported (websockets 14+)

from tests.factories import UserFactory, token_for

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
        async with websockets.connect(
            f"{asgi_server.ws_url}/ws/ping/",
            origin="http://127.0.0.1",
            additional_headers={"Authorization": f"Token {token}"},
        ) as ws:
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


def test_real_server_runs_the_whole_middleware_chain_on_api_and_form_requests(asgi_server):
    user = UserFactory(username="chainuser")
    request = urllib.request.Request(
        f"{asgi_server.url}/api/v1/me/", headers={"Authorization": f"Token {token_for(user)}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
        headers = response.headers
    assert body["username"] == "chainuser"
    assert "nonce-" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"

    # CsrfViewMiddleware still refuses a form post without its token
    post = urllib.request.Request(
        f"{asgi_server.url}/accounts/login/",
        data=b"username=a&password=b",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as excinfo:
        urllib.request.urlopen(post, timeout=10)
    assert excinfo.value.code == 403


def test_real_server_closes_a_keepalive_connection_after_its_quota_of_answers(asgi_server, settings):
    import http.client

    user = UserFactory(username="keepalive")
    headers = {"Authorization": f"Token {token_for(user)}"}
    connection = http.client.HTTPConnection("127.0.0.1", asgi_server.port, timeout=10)
    closing = []
    for _ in range(settings.HTTP_KEEPALIVE_REQUESTS):
        connection.request("GET", "/api/v1/me/", headers=headers)
        response = connection.getresponse()
        response.read()
        closing.append(response.will_close)
    connection.close()
    assert closing == [False] * (settings.HTTP_KEEPALIVE_REQUESTS - 1) + [True]
