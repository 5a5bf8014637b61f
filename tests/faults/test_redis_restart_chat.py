"""Redis restarts in the middle of a chat burst: every message is in the database exactly once, and a
reconnecting client (catching up with ?after=) misses none."""

from __future__ import annotations

import asyncio
import time

import pytest

from chat.models import Message
from chat.services import conversation_start
from tests.factories import ProductWithSkuFactory, UserFactory, token_for
from tests.faults.chat_client import ChatClient
from tests.faults.services import redis_start, redis_stop

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

BURST = 30


def test_redis_restart_mid_chat_burst_loses_nothing(asgi_server):
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop)
    buyer_token, seller_token = token_for(buyer), token_for(product.shop.owner)
    restarted = {"at": None}

    def restart_redis():
        redis_stop()
        try:
            time.sleep(2)
        finally:
            redis_start()
            restarted["at"] = time.monotonic()

    async def scenario():
        sender = ChatClient(asgi_server, conversation.pk, buyer_token)
        reader = ChatClient(asgi_server, conversation.pk, seller_token)
        await sender.connect()
        await reader.connect()
        done = asyncio.Event()
        listening = asyncio.create_task(reader.listen(done.is_set))
        outage = None
        for n in range(BURST):
            if n == BURST // 3:
                outage = asyncio.create_task(asyncio.to_thread(restart_redis))
            await sender.send_confirmed(f"第{n}条 message {n}", f"burst-{n}")
            await asyncio.sleep(0.05)
        await outage
        # The reader reconnects and catches up; give it a moment after the last message.
        await reader.catch_up()
        done.set()
        await listening
        await sender.ws.close()
        await reader.ws.close()
        return sender, reader

    sender, reader = asyncio.run(asyncio.wait_for(scenario(), 110))

    stored = list(Message.objects.filter(conversation=conversation, sender=buyer).values_list("client_id", flat=True))
    assert sorted(stored) == sorted(f"burst-{n}" for n in range(BURST)), "a message is missing or stored twice"
    all_ids = set(Message.objects.filter(conversation=conversation).values_list("id", flat=True))
    assert all_ids <= set(reader.seen), f"the reader missed {sorted(all_ids - set(reader.seen))}"
    assert sender.reconnects + reader.reconnects >= 1, "Redis went away but no client had to reconnect"
