"""Real WebSocket clients against real uvicorn processes sharing the Redis channel layer."""

from __future__ import annotations

import asyncio
import json
import time
import urllib.request
import uuid

import pytest
import websockets
import websockets.exceptions  # a submodule: not an attribute until imported (websockets 14+)

from chat.models import Message
from chat.services import conversation_start
from conftest import AsgiServer, server_env
from tests.factories import ProductWithSkuFactory, UserFactory, token_for
from tests.ratelimits import inside_one_window

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ORIGIN = "http://127.0.0.1"


def connect(server, conversation_id, token=None, origin=ORIGIN, path=None):
    headers = {"Authorization": f"Token {token}"} if token else {}
    return websockets.connect(
        f"{server.ws_url}{path or f'/ws/chat/{conversation_id}/'}",
        origin=origin,
        additional_headers=headers,
        open_timeout=10,
        close_timeout=5,
    )


async def next_frame(ws, kind: str, timeout: float = 10) -> dict:
    """The next frame of this type (unread-count frames and others are skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic())))
        if frame["type"] == kind:
            return frame


def api_get(server, path: str, token: str) -> dict:
    url = path if path.startswith("http") else server.url + path
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture
def chat_parties():
    product = ProductWithSkuFactory()
    buyer = UserFactory(username="buyer-live")
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    return conversation, token_for(buyer), token_for(product.shop.owner)


@pytest.fixture
def second_server(asgi_server, tmp_path):
    server = AsgiServer(asgi_server.env, tmp_path / "b.log").start()
    yield server
    server.stop()


def test_buyer_and_seller_on_two_server_processes_talk_both_ways(asgi_server, second_server, chat_parties):
    conversation, buyer_token, seller_token = chat_parties

    async def talk():
        async with (
            connect(asgi_server, conversation.pk, buyer_token) as buyer,
            connect(second_server, conversation.pk, seller_token) as seller,
        ):
            await buyer.send(json.dumps({"type": "message", "text": "这个腊肉很辣吗？", "client_id": "b-1"}))
            own = await next_frame(buyer, "message")
            heard = await next_frame(seller, "message")

            await seller.send(json.dumps({"type": "typing"}))
            typing = await next_frame(buyer, "typing")
            await seller.send(json.dumps({"type": "message", "text": "微辣，小孩也能吃", "client_id": "s-1"}))
            answer = await next_frame(buyer, "message")
            await buyer.send(json.dumps({"type": "read", "up_to": answer["message"]["id"]}))
            receipt = await next_frame(seller, "read")
            return own, heard, typing, answer, receipt

    own, heard, typing, answer, receipt = asyncio.run(talk())
    assert own["message"]["client_id"] == "b-1" and own["message"]["sender"]["role"] == "buyer"
    assert heard["message"] == own["message"] and heard["message"]["text"] == "这个腊肉很辣吗？"
    assert typing["role"] == "seller"
    assert answer["message"]["text"] == "微辣，小孩也能吃" and answer["message"]["sender"]["role"] == "seller"
    assert answer["message"]["id"] > own["message"]["id"]
    assert receipt["role"] == "buyer" and receipt["up_to"] == answer["message"]["id"]
    # stored, in order
    assert list(Message.objects.filter(conversation=conversation).exclude(text="").values_list("text", flat=True)) == [
        "这个腊肉很辣吗？",
        "微辣，小孩也能吃",
    ]


def test_a_third_user_an_anonymous_socket_and_a_foreign_origin_are_refused(asgi_server, chat_parties):
    conversation, buyer_token, _seller_token = chat_parties
    stranger_token = token_for(UserFactory())

    async def closed_with(token):
        async with connect(asgi_server, conversation.pk, token) as ws:
            with pytest.raises(websockets.exceptions.ConnectionClosed) as excinfo:
                await asyncio.wait_for(ws.recv(), 10)
            return excinfo.value.rcvd.code

    assert asyncio.run(closed_with(stranger_token)) == 4404
    assert asyncio.run(closed_with(None)) == 4401
    assert asyncio.run(closed_with(buyer_token.replace(buyer_token[:4], "0000"))) == 4401  # a wrong token

    async def foreign():
        async with connect(asgi_server, conversation.pk, buyer_token, origin="https://evil.example"):
            pass

    with pytest.raises(websockets.exceptions.InvalidStatus) as excinfo:
        asyncio.run(foreign())
    assert excinfo.value.response.status_code == 403


def test_500_messages_sent_while_the_buyer_is_away_are_all_there_in_order(asgi_server, second_server, chat_parties):
    conversation, buyer_token, seller_token = chat_parties
    texts = [f"第{n}条 message {n}" for n in range(500)]

    async def run():
        async with connect(asgi_server, conversation.pk, buyer_token) as buyer:
            await buyer.send(json.dumps({"type": "message", "text": "在吗？", "client_id": "b-0"}))
            last_seen = (await next_frame(buyer, "message"))["message"]["id"]
        # the buyer is gone; the seller (on the other process) answers 500 times
        async with connect(second_server, conversation.pk, seller_token) as seller:
            for n, text in enumerate(texts):
                await seller.send(json.dumps({"type": "message", "text": text, "client_id": f"s-{n}"}))
            echoed = 0
            while echoed < len(texts):
                frame = await next_frame(seller, "message", timeout=30)
                assert frame["message"]["client_id"] == f"s-{echoed}"
                echoed += 1
        # the buyer comes back: a new socket, then ?after=<last id> until there is no next page
        async with connect(asgi_server, conversation.pk, buyer_token) as buyer:
            page = api_get(
                asgi_server,
                f"/api/v1/conversations/{conversation.pk}/messages/?after={last_seen}&limit=200",
                buyer_token,
            )
            caught_up = list(page["results"])
            while page["next"]:
                page = api_get(asgi_server, page["next"], buyer_token)
                caught_up += page["results"]
            # and the socket is live again
            async with connect(second_server, conversation.pk, seller_token) as seller:
                await seller.send(json.dumps({"type": "message", "text": "还在吗？", "client_id": "s-live"}))
                live = await next_frame(buyer, "message")
            return caught_up, live

    caught_up, live = asyncio.run(run())
    assert [m["text"] for m in caught_up] == texts
    ids = [m["id"] for m in caught_up]
    assert ids == sorted(ids) and len(set(ids)) == 500
    assert live["message"]["text"] == "还在吗？" and live["message"]["id"] > ids[-1]


def test_too_long_text_gets_an_error_frame_and_a_huge_frame_closes_with_1009(asgi_server, chat_parties):
    conversation, buyer_token, _seller_token = chat_parties

    async def run():
        async with connect(asgi_server, conversation.pk, buyer_token) as ws:
            await ws.send(json.dumps({"type": "message", "text": "辣" * 2001, "client_id": "long"}))
            too_long = await next_frame(ws, "error")
            await ws.send("not json")
            invalid = await next_frame(ws, "error")
            await ws.send(json.dumps({"type": "message", "text": "x" * (64 * 1024 + 10)}))
            with pytest.raises(websockets.exceptions.ConnectionClosed) as excinfo:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            return too_long, invalid, excinfo.value.rcvd.code

    too_long, invalid, code = asyncio.run(run())
    assert too_long["code"] == "message_too_long" and too_long["client_id"] == "long"
    assert invalid["code"] == "invalid"
    assert code == 1009
    assert not Message.objects.filter(conversation=conversation).exclude(text="").exists()


def test_rate_limit_answers_with_an_error_frame(tmp_path, chat_parties):
    conversation, buyer_token, _seller_token = chat_parties
    server = AsgiServer(server_env({"RATE_LIMIT_CHAT": "5/10s"}), tmp_path / "limited.log").start()
    try:
        inside_one_window("5/10s", seconds=6)

        async def run():
            frames = []
            async with connect(server, conversation.pk, buyer_token) as ws:
                for n in range(12):
                    await ws.send(json.dumps({"type": "message", "text": f"#{n}", "client_id": f"c-{n}"}))
                while len(frames) < 12:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if frame["type"] in ("message", "error"):
                        frames.append(frame)
            return frames

        frames = asyncio.run(run())
    finally:
        server.stop()
    errors = [f for f in frames if f["type"] == "error"]
    assert len(errors) == 7 and {f["code"] for f in errors} == {"rate_limited"}
    assert all(f["retry_after"] >= 1 for f in errors)
    stored = Message.objects.filter(conversation=conversation).exclude(text="").values_list("text", flat=True)
    assert sorted(stored) == [f"#{n}" for n in range(5)]


def test_the_inbox_socket_pushes_unread_counts(asgi_server, chat_parties):
    conversation, buyer_token, seller_token = chat_parties

    async def run():
        async with connect(asgi_server, None, seller_token, path="/ws/chat/inbox/") as inbox:
            hello = await next_frame(inbox, "unread")
            async with connect(asgi_server, conversation.pk, buyer_token) as buyer:
                await buyer.send(json.dumps({"type": "message", "text": "在吗？", "client_id": str(uuid.uuid4())}))
                pushed = await next_frame(inbox, "unread")
            return hello, pushed

    hello, pushed = asyncio.run(run())
    assert hello["seller"] == 1 and hello["total"] == 1  # the product card from the start
    assert pushed["seller"] == 2 and pushed["conversation"]["id"] == conversation.pk
    assert pushed["conversation"]["unread"] == 2 and pushed["conversation"]["last_message"]["text"] == "在吗？"
    assert pushed["conversation"]["buyer"]["username"] == "buyer-live"
