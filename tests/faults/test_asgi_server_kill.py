"""The ASGI server is killed (SIGKILL) and restarted while sockets are open: the clients reconnect and
resync — chat catches up with ?after= and misses nothing sent while the server was gone; the bell's
socket gets the current unread count again."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from chat.models import Message
from chat.services import conversation_start, message_send
from conftest import AsgiServer, server_env
from notifications.services import notify
from tests.factories import ProductWithSkuFactory, UserFactory, token_for
from tests.faults.chat_client import ORIGIN, ChatClient

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


def test_server_killed_and_restarted_clients_reconnect_and_resync(tmp_path):
    product = ProductWithSkuFactory()
    buyer, seller = UserFactory(), product.shop.owner
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop)
    message_send(user=buyer, conversation=conversation, text="在吗")
    buyer_token = token_for(buyer)
    server = AsgiServer(server_env(), tmp_path / "uvicorn.log").start()

    def while_down() -> set[int]:
        from django.db import connection

        try:
            for n in range(3):
                message_send(user=seller, conversation=conversation, text=f"服务器重启时的回复 {n}")
            notify(user_id=buyer.pk, kind="order_shipped", key="while-down", text="已发货")
            return set(Message.objects.filter(conversation=conversation).values_list("id", flat=True))
        finally:
            connection.close()

    async def bell_unread() -> int:
        async with websockets.connect(
            f"{server.ws_url}/ws/notifications/",
            origin=ORIGIN,
            open_timeout=5,
            additional_headers={"Authorization": f"Token {buyer_token}"},
        ) as ws:
            return json.loads(await asyncio.wait_for(ws.recv(), 10))["unread"]

    async def scenario():
        client = ChatClient(server, conversation.pk, buyer_token)
        await client.connect()
        before = set(client.seen)
        assert await bell_unread() == 0

        server.process.kill()  # SIGKILL: no goodbye to the sockets
        server.process.wait(10)
        expected = await asyncio.to_thread(while_down)
        await asyncio.sleep(1.5)
        await asyncio.to_thread(server.start)

        await asyncio.wait_for(client.listen(lambda: expected <= set(client.seen)), 60)
        unread = await bell_unread()
        await client.ws.close()
        return before, client, expected, unread

    try:
        before, client, expected, unread = asyncio.run(scenario())
    finally:
        server.stop()

    assert len(before) == 1 and len(expected) == 4
    assert expected <= set(client.seen)
    assert client.reconnects >= 1
    assert unread == 1
