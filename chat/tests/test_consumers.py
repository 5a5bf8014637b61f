"""The chat consumers in-process, with channels' WebsocketCommunicator on the Redis channel layer."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from chat.consumers import ConversationConsumer, InboxConsumer
from chat.models import Message
from chat.services import conversation_start
from chat.tests.factories import ProductFactory, staff_for

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(conversation_id, user) -> WebsocketCommunicator:
    comm = WebsocketCommunicator(ConversationConsumer.as_asgi(), f"/ws/chat/{conversation_id}/")
    comm.scope["user"] = user
    comm.scope["url_route"] = {"args": (), "kwargs": {"conversation_id": conversation_id}}
    return comm


async def frame_of(comm, kind, timeout=5):
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def drain(comm, quiet=0.5):
    frames = []
    while not await comm.receive_nothing(timeout=quiet):
        frames.append(await comm.receive_json_from())
    return frames


@pytest.fixture
def parties():
    product = ProductFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    return conversation, buyer, staff_for(product.shop), product


def test_close_codes_for_strangers_and_anonymous_users(parties):
    conversation = parties[0]

    async def close_code(user):
        comm = communicator(conversation.pk, user)
        connected, _ = await comm.connect()
        assert connected
        output = await comm.receive_output(timeout=5)
        await comm.wait()
        return output

    assert async_to_sync(close_code)(AnonymousUser()) == {"type": "websocket.close", "code": 4401}
    assert async_to_sync(close_code)(UserFactory()) == {"type": "websocket.close", "code": 4404}


def test_staff_answer_with_a_product_card_and_typing_is_not_echoed(parties):
    conversation, buyer, staff, product = parties

    async def run():
        buyer_ws, staff_ws = communicator(conversation.pk, buyer), communicator(conversation.pk, staff)
        await buyer_ws.connect()
        await staff_ws.connect()
        await staff_ws.send_json_to({"type": "typing"})
        typing = await frame_of(buyer_ws, "typing")
        await staff_ws.send_json_to({"type": "product", "product": product.pk, "client_id": "p-1"})
        card_for_buyer = await frame_of(buyer_ws, "message")
        own = await frame_of(staff_ws, "message")
        echoed_typing = [f for f in await drain(staff_ws) if f["type"] == "typing"]
        await staff_ws.send_json_to({"type": "shout"})
        unknown = await frame_of(staff_ws, "error")
        await staff_ws.send_json_to({"type": "product", "product": 999999, "client_id": "p-2"})
        bad_product = await frame_of(staff_ws, "error")
        await buyer_ws.disconnect()
        await staff_ws.disconnect()
        return typing, card_for_buyer, own, echoed_typing, unknown, bad_product

    typing, card, own, echoed, unknown, bad_product = async_to_sync(run)()
    assert typing["role"] == "seller" and typing["user"]["id"] == staff.pk
    assert card["message"]["product"]["id"] == product.pk and card["message"]["sender"]["role"] == "seller"
    assert own["message"]["client_id"] == "p-1"
    assert echoed == []
    assert unknown["code"] == "invalid"
    assert bad_product["code"] == "invalid" and bad_product["client_id"] == "p-2"
    assert Message.objects.filter(conversation=conversation, sender=staff).count() == 1


def test_inbox_socket_starts_with_the_current_counts_and_refuses_anonymous(parties):
    _conversation, _buyer, staff, _product = parties

    async def run():
        comm = WebsocketCommunicator(InboxConsumer.as_asgi(), "/ws/chat/inbox/")
        comm.scope["user"] = staff
        await comm.connect()
        hello = await frame_of(comm, "unread")
        await comm.disconnect()
        anon = WebsocketCommunicator(InboxConsumer.as_asgi(), "/ws/chat/inbox/")
        anon.scope["user"] = AnonymousUser()
        await anon.connect()
        closed = await anon.receive_output(timeout=5)
        return hello, closed

    hello, closed = async_to_sync(run)()
    assert hello == {"type": "unread", "total": 1, "buyer": 0, "seller": 1, "conversation": None}
    assert closed == {"type": "websocket.close", "code": 4401}
