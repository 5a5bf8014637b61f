"""One source per shape: MessageOut and ConversationOut write their JSON directly (they run for every message
sent); the generic field walk over their declared fields (what the schema documents) gives the same JSON."""

from __future__ import annotations

import pytest
from rest_framework import serializers

from chat.models import Conversation, Message
from chat.selectors import conversation_list
from chat.serializers import ConversationOut, MessageOut
from chat.services import conversation_start, message_send
from tests.factories import ProductWithSkuFactory, UserFactory, staff_for

pytestmark = pytest.mark.django_db


def generic(serializer: serializers.Serializer, instance) -> dict:
    return serializers.Serializer.to_representation(serializer, instance)


def test_the_answers_are_what_their_declared_fields_give():
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    message_send(user=buyer, conversation=conversation, text="在吗", client_id="c-1")
    message_send(user=staff_for(product.shop), conversation=conversation, text="在的")
    empty, _ = conversation_start(buyer=UserFactory(), shop=product.shop)

    messages = list(Message.objects.select_related("sender").order_by("id"))
    assert len(messages) == 3 and messages[0].product_card is not None
    for message in messages:
        out = MessageOut()
        assert out.to_representation(message) == generic(out, message)

    for role, user in (("buyer", buyer), ("seller", product.shop.owner)):
        rows = [*conversation_list(user=user, role=role), Conversation.objects.get(pk=empty.pk)]
        for row in rows:
            out = ConversationOut(context={"role": role})
            assert out.to_representation(row) == generic(out, row), (role, row.pk)
