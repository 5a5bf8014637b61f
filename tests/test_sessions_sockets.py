"""Deactivating a seller or logging them out everywhere closes their open sockets and refuses their tokens at
once; logging out of one session closes only the sockets opened with it.

Real WebSocket clients against a real uvicorn; the service runs in this process and reaches the
server's consumers through the shared Redis channel layer.
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request

import pytest
import websockets
from django.test import Client

from accounts.services import user_deactivate
from chat.services import conversation_start
from tests.factories import PASSWORD, ProductWithSkuFactory, UserFactory, token_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ORIGIN = "http://127.0.0.1"
SOCKETS = ["/ws/chat/{conversation}/", "/ws/chat/inbox/", "/ws/notifications/"]


def _headers(token: str | None = None, cookie: str | None = None) -> dict:
    headers = {}
    if token:
        headers["Authorization"] = f"Token {token}"
    if cookie:
        headers["Cookie"] = cookie
    return headers


def _status(server, path: str, token: str) -> int:
    request = urllib.request.Request(server.url + path, headers=_headers(token))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def seller_world():
    product = ProductWithSkuFactory()
    seller = product.shop.owner
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    return seller, buyer, conversation


async def _open_all(server, conversation_id: int, headers: dict) -> list:
    sockets = []
    for path in SOCKETS:
        ws = await websockets.connect(
            server.ws_url + path.format(conversation=conversation_id),
            origin=ORIGIN,
            additional_headers=headers,
            open_timeout=10,
            close_timeout=5,
        )
        sockets.append(ws)
    # Every socket is accepted and stays open: a quick round-trip on the inbox, the first frame elsewhere.
    await asyncio.sleep(0.5)
    for ws in sockets:
        assert ws.close_code is None
    return sockets


async def _close_codes(sockets: list, timeout: float = 10) -> list[int | None]:
    async def wait_closed(ws):
        try:
            while True:
                await asyncio.wait_for(ws.recv(), timeout)
        except websockets.ConnectionClosed:
            return ws.close_code
        except TimeoutError:
            return None

    return list(await asyncio.gather(*(wait_closed(ws) for ws in sockets)))


def _run_and_watch(server, conversation_id: int, headers: dict, action) -> list[int | None]:
    async def scenario():
        sockets = await _open_all(server, conversation_id, headers)
        await asyncio.get_running_loop().run_in_executor(None, action)
        return await _close_codes(sockets)

    return asyncio.run(scenario())


def test_deactivating_a_seller_closes_their_sockets_and_refuses_their_token(asgi_server, seller_world):
    seller, buyer, conversation = seller_world
    token = token_for(seller)
    buyer_token = token_for(buyer)
    assert _status(asgi_server, "/api/v1/me/", token) == 200

    codes = _run_and_watch(asgi_server, conversation.pk, _headers(token), lambda: user_deactivate(user=seller))

    assert codes == [4401, 4401, 4401]
    assert _status(asgi_server, "/api/v1/me/", token) == 401
    assert _status(asgi_server, "/api/v1/seller/orders/", token) == 401

    async def reconnect():
        async with websockets.connect(
            f"{asgi_server.ws_url}/ws/notifications/",
            origin=ORIGIN,
            additional_headers=_headers(token),
            open_timeout=10,
        ) as ws:
            return await _close_codes([ws])

    assert asyncio.run(reconnect()) == [4401]
    # The buyer on the other end is not affected.
    assert _status(asgi_server, "/api/v1/me/", buyer_token) == 200


def test_an_operator_deactivating_a_seller_in_admin_closes_their_sockets(asgi_server, seller_world):
    seller, _buyer, conversation = seller_world
    token = token_for(seller)
    operator = UserFactory(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(operator)

    def deactivate_in_admin():
        response = admin.post("/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": [seller.pk]})
        assert response.status_code == 302

    codes = _run_and_watch(asgi_server, conversation.pk, _headers(token), deactivate_in_admin)

    assert codes == [4401, 4401, 4401]
    seller.refresh_from_db()
    assert not seller.is_active
    assert _status(asgi_server, "/api/v1/me/", token) == 401
    from accounts.models import OperatorAction

    assert OperatorAction.objects.filter(actor=operator, action="user_deactivate", object_id=str(seller.pk)).exists()


def test_logging_out_closes_that_sessions_sockets_only(asgi_server, seller_world):
    seller, _buyer, conversation = seller_world
    token = token_for(seller)
    browser, phone = Client(), Client()
    assert browser.post("/accounts/login/", {"username": seller.username, "password": PASSWORD}).status_code == 302
    assert phone.post("/accounts/login/", {"username": seller.username, "password": PASSWORD}).status_code == 302
    browser_cookie = f"sessionid={browser.cookies['sessionid'].value}"
    phone_cookie = f"sessionid={phone.cookies['sessionid'].value}"

    async def scenario():
        by_browser = await _open_all(asgi_server, conversation.pk, _headers(cookie=browser_cookie))
        by_phone = await _open_all(asgi_server, conversation.pk, _headers(cookie=phone_cookie))
        by_token = await _open_all(asgi_server, conversation.pk, _headers(token))
        await asyncio.get_running_loop().run_in_executor(
            None, lambda: browser.post("/accounts/logout/").status_code == 302 or pytest.fail("log-out failed")
        )
        return (
            await _close_codes(by_browser),
            await _close_codes(by_phone, timeout=2),
            await _close_codes(by_token, timeout=2),
        )

    browser_codes, phone_codes, token_codes = asyncio.run(scenario())

    assert browser_codes == [4401, 4401, 4401]
    assert phone_codes == [None, None, None]  # the other device stays signed in
    assert token_codes == [None, None, None]
    assert _status(asgi_server, "/api/v1/me/", token) == 200  # and the app's token still works
    assert phone.get("/seller/").status_code == 200


def test_logging_out_everywhere_closes_every_socket_and_ends_tokens_and_sessions(asgi_server, seller_world):
    seller, _buyer, conversation = seller_world
    token = token_for(seller)
    browser, phone = Client(), Client()
    assert browser.post("/accounts/login/", {"username": seller.username, "password": PASSWORD}).status_code == 302
    assert phone.post("/accounts/login/", {"username": seller.username, "password": PASSWORD}).status_code == 302
    cookie = f"sessionid={phone.cookies['sessionid'].value}"

    def log_out_everywhere():
        assert browser.post("/accounts/logout-everywhere/").status_code == 302

    codes = _run_and_watch(asgi_server, conversation.pk, _headers(cookie=cookie), log_out_everywhere)

    assert codes == [4401, 4401, 4401]
    assert _status(asgi_server, "/api/v1/me/", token) == 401
    assert phone.get("/seller/").status_code == 302  # the other device must log in again
    assert Client().post("/accounts/login/", {"username": seller.username, "password": PASSWORD}).status_code == 302


def test_one_sellers_log_out_leaves_other_peoples_sockets_open(asgi_server, seller_world):
    seller, buyer, conversation = seller_world
    buyer_token = token_for(buyer)

    async def scenario():
        sockets = await _open_all(asgi_server, conversation.pk, _headers(buyer_token))
        await asyncio.get_running_loop().run_in_executor(None, lambda: user_deactivate(user=seller))
        codes = await _close_codes(sockets, timeout=3)
        return codes

    assert asyncio.run(scenario()) == [None, None, None]
