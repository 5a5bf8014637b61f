"""An offer in the live conversation: the card arrives as a message, each change of state as an `offer` frame."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from catalog.models import Sku
from chat.tests.test_consumers import communicator
from offers.access import access_offer
from offers.services import offer_create, offer_decline
from tests.factories import ConversationFactory, ProductWithSkuFactory


@pytest.mark.django_db(transaction=True)
def test_the_buyer_sees_the_card_arrive_and_then_its_new_state():
    conversation = ConversationFactory()
    sku = Sku.objects.get(product=ProductWithSkuFactory(shop=conversation.shop))

    async def run():
        buyer_socket = communicator(conversation.pk, conversation.buyer)
        assert (await buyer_socket.connect())[0]

        offer = await sync_to_async(offer_create)(
            user=conversation.shop.owner,
            conversation=conversation,
            lines=[{"sku": sku.pk, "quantity": 2, "price": "50.00"}],
        )
        card = None
        while card is None:
            frame = await buyer_socket.receive_json_from(timeout=5)
            card = frame["message"]["offer"] if frame["type"] == "message" else None

        await sync_to_async(
            lambda: offer_decline(user=conversation.buyer, offer=access_offer(conversation.buyer, offer.pk))
        )()
        state = None
        while state is None:
            frame = await buyer_socket.receive_json_from(timeout=5)
            state = frame["offer"] if frame["type"] == "offer" else None
        await buyer_socket.disconnect()
        return offer, card, state

    offer, card, state = async_to_sync(run)()

    assert card["id"] == offer.pk and card["total"] == "100.00"
    assert state["id"] == offer.pk and state["status"] == "declined"


@pytest.mark.django_db(transaction=True)
def test_the_shop_sees_a_counter_proposal_arrive_as_a_card():
    from offers.services import proposal_create

    conversation = ConversationFactory()
    sku = Sku.objects.get(product=ProductWithSkuFactory(shop=conversation.shop))

    async def run():
        shop_socket = communicator(conversation.pk, conversation.shop.owner)
        assert (await shop_socket.connect())[0]
        await sync_to_async(proposal_create)(
            user=conversation.buyer,
            conversation=conversation,
            lines=[{"sku": sku.pk, "quantity": 2}],
            total="45.00",
            note="两罐包邮？",
        )
        card = None
        while card is None:
            frame = await shop_socket.receive_json_from(timeout=5)
            card = frame["message"]["proposal"] if frame["type"] == "message" else None
        await shop_socket.disconnect()
        return card

    card = async_to_sync(run)()

    assert (card["total"], card["note"], card["lines"][0]["quantity"]) == ("45.00", "两罐包邮？", 2)
    assert card["lines"][0]["sku"] == sku.pk and card["lines"][0]["price"] is None
