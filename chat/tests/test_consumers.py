"""The chat consumers in-process, with channels' WebsocketCommunicator on the Redis channel layer."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from redis.exceptions import MaxConnectionsError

from chat import consumers
from chat.consumers import ConversationConsumer, InboxConsumer
from chat.groups import user_group
from chat.models import Message
from chat.services import broadcast, conversation_start
from common.ws import user_sockets_group
from tests.factories import ProductWithSkuFactory, UserFactory, staff_for
from tests.sockets import Communicator

pytestmark = pytest.mark.django_db(transaction=True)


def communicator(conversation_id, user) -> Communicator:
    comm = Communicator(ConversationConsumer.as_asgi(), f"/ws/chat/{conversation_id}/")
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
    product = ProductWithSkuFactory()
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
        comm = Communicator(InboxConsumer.as_asgi(), "/ws/chat/inbox/")
        comm.scope["user"] = staff
        await comm.connect()
        hello = await frame_of(comm, "unread")
        await comm.disconnect()
        anon = Communicator(InboxConsumer.as_asgi(), "/ws/chat/inbox/")
        anon.scope["user"] = AnonymousUser()
        await anon.connect()
        closed = await anon.receive_output(timeout=5)
        return hello, closed

    hello, closed = async_to_sync(run)()
    assert hello == {"type": "unread", "total": 1, "buyer": 0, "seller": 1, "conversation": None}
    assert closed == {"type": "websocket.close", "code": 4401}


def inbox_communicator(user) -> Communicator:
    comm = Communicator(InboxConsumer.as_asgi(), "/ws/chat/inbox/")
    comm.scope["user"] = user
    return comm


def test_one_message_costs_one_count_query_however_many_of_the_shops_people_listen(parties, monkeypatch):
    conversation, buyer, staff, _product = parties
    more_staff = [staff_for(conversation.shop) for _ in range(2)]
    counted = []
    real_totals = broadcast.unread_side_totals
    monkeypatch.setattr(broadcast, "unread_side_totals", lambda **kw: counted.append(kw) or real_totals(**kw))

    people = [conversation.shop.owner, staff, *more_staff]

    async def run():
        inboxes = [inbox_communicator(u) for u in people]
        for inbox in inboxes:
            await inbox.connect()
            await frame_of(inbox, "unread")  # the counts at connect
        buyer_ws = communicator(conversation.pk, buyer)
        await buyer_ws.connect()
        await buyer_ws.send_json_to({"type": "message", "text": "在吗？", "client_id": "c-1"})
        pushed = [await frame_of(inbox, "unread") for inbox in inboxes]
        await frame_of(buyer_ws, "message")
        for ws in (*inboxes, buyer_ws):
            await ws.disconnect()
        return pushed

    pushed = async_to_sync(run)()
    assert len(counted) == 1  # computed once in the service, forwarded by the four sockets
    for frame in pushed:
        assert (frame["total"], frame["buyer"], frame["seller"]) == (2, 0, 2)  # the product card and 在吗？
        assert frame["conversation"]["id"] == conversation.pk and frame["conversation"]["role"] == "seller"
        assert frame["conversation"]["unread"] == 2 and frame["conversation"]["last_message"]["text"] == "在吗？"


def test_events_reach_their_handlers_without_a_hop_to_the_database_thread(parties, monkeypatch):
    """Channels' dispatch runs close_old_connections in the one thread-sensitive thread before every
    event; in a 1,000-member conversation that was 1,000 hops in a row per message (bench B3)."""
    import channels.consumer

    conversation, buyer, staff, _product = parties
    hops = []

    async def counted_close_old_connections():
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted_close_old_connections)

    async def run():
        sockets = [communicator(conversation.pk, u) for u in (buyer, staff, staff)]
        for ws in sockets:
            await ws.connect()
        inbox = inbox_communicator(staff)
        await inbox.connect()
        await frame_of(inbox, "unread")
        hops.clear()  # connecting is not what this is about
        await sockets[0].send_json_to({"type": "message", "text": "你好", "client_id": "c-hop"})
        got = [await frame_of(ws, "message") for ws in sockets]
        row = await frame_of(inbox, "unread")
        for ws in (*sockets, inbox):
            await ws.disconnect()
        return got, row

    got, row = async_to_sync(run)()
    assert [frame["message"]["text"] for frame in got] == ["你好"] * 3
    assert row["conversation"]["id"] == conversation.pk
    assert hops == []


def test_the_conversation_page_gets_badge_frames_only_when_they_change_and_never_for_a_message_on_screen(parties):
    conversation, buyer, staff, product = parties
    other, _ = conversation_start(buyer=UserFactory(), shop=product.shop)

    async def run():
        buyer_ws, staff_ws = communicator(conversation.pk, buyer), communicator(conversation.pk, staff)
        await buyer_ws.connect()
        await staff_ws.connect()
        # the staff answers on screen: the buyer gets the message and no badge frame (its page reads the
        # message at once); the staff's own badge drops (the product card is answered), so it gets one
        await staff_ws.send_json_to({"type": "message", "text": "您好", "client_id": "s-1"})
        await frame_of(staff_ws, "message")
        buyer_frames = await drain(buyer_ws)
        staff_frames = await drain(staff_ws)
        # another buyer writes to the shop twice: the staff's page redraws its badges each time
        other_ws = communicator(other.pk, other.buyer)
        await other_ws.connect()
        await other_ws.send_json_to({"type": "message", "text": "在吗？", "client_id": "o-1"})
        await other_ws.send_json_to({"type": "message", "text": "有货吗？", "client_id": "o-2"})
        pushed = [await frame_of(staff_ws, "unread"), await frame_of(staff_ws, "unread")]
        for ws in (buyer_ws, staff_ws, other_ws):
            await ws.disconnect()
        return buyer_frames, staff_frames, pushed

    buyer_frames, staff_frames, pushed = async_to_sync(run)()
    assert [f["type"] for f in buyer_frames] == ["message"]
    # the page was rendered with 1 (the product card); answering it clears the badge
    assert [(f["type"], f["total"], f["seller"]) for f in staff_frames] == [("unread", 0, 0)]
    assert [(f["total"], f["seller"], f["conversation"]["id"]) for f in pushed] == [(1, 1, other.pk), (2, 2, other.pk)]
    assert pushed[-1]["conversation"]["last_message"]["text"] == "有货吗？"


def test_nothing_is_sent_on_a_socket_the_server_has_closed(parties):
    conversation, buyer, _staff, _product = parties

    async def run():
        buyer_ws = communicator(conversation.pk, buyer)
        await buyer_ws.connect()
        layer = get_channel_layer()
        await layer.group_send(user_sockets_group(buyer.pk), {"type": "user.session_ended"})
        closed = await buyer_ws.receive_output(timeout=5)
        await layer.group_send(
            user_group(buyer.pk), {"type": "chat.unread", "role": "buyer", "total": 3, "conversation": None}
        )
        after = await buyer_ws.receive_nothing(timeout=1)
        await buyer_ws.disconnect()
        return closed, after

    closed, nothing_after = async_to_sync(run)()
    assert closed == {"type": "websocket.close", "code": 4401}
    assert nothing_after


def test_many_sockets_closing_at_once_leave_their_groups_a_few_at_a_time_and_never_raise(parties, monkeypatch):
    conversation, buyer, staff, _product = parties
    monkeypatch.setattr(consumers, "LAYER_CALLS_IN_FLIGHT", 3)
    consumers._layer_slots.clear()
    in_flight, most, calls = [0], [0], [0]

    async def run():
        layer = get_channel_layer()
        real_discard = layer.group_discard

        async def crowded_discard(group, channel):
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            calls[0] += 1
            try:
                await asyncio.sleep(0.01)
                if calls[0] % 4 == 0:  # what redis-py's pool raised when 1,000 sockets closed at once
                    raise MaxConnectionsError("Too many connections")
                await real_discard(group, channel)
            finally:
                in_flight[0] -= 1

        sockets = [communicator(conversation.pk, user) for user in [buyer, staff] * 10]
        for ws in sockets:
            assert (await ws.connect())[0]
        monkeypatch.setattr(layer, "group_discard", crowded_discard)
        await asyncio.gather(*(ws.disconnect() for ws in sockets))

    async_to_sync(run)()
    assert calls[0] == 10 * 3 + 10 * 4 and most[0] <= 3  # buyer: conversation, own, sockets; staff: + shop


def test_chat_database_work_leaves_no_connection_open(parties):
    conversation, buyer, staff, _product = parties

    async def run():
        sockets = [communicator(conversation.pk, user) for user in (buyer, staff, buyer, staff)]
        for ws in sockets:
            await ws.connect()
        for n in range(5):
            for i, ws in enumerate(sockets):
                await ws.send_json_to({"type": "message", "text": f"#{n}", "client_id": f"{i}-{n}"})
        for ws in sockets:
            for _ in range(5):
                await frame_of(ws, "message")
        for ws in sockets:
            await ws.disconnect()

    def others() -> dict[int, tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name, state, backend_start, left(query, 80) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            return {row[0]: row[1:] for row in cursor.fetchall()}

    # Only the connections this test opened count: a process an earlier test killed can leave its backend
    # behind for a moment.
    before = others()
    async_to_sync(run)()
    opened = {pid: row for pid, row in others().items() if pid not in before}
    assert Message.objects.filter(conversation=conversation).count() == 1 + 20
    assert opened == {}
