"""Keeping the deal on the platform in chat: contact details masked over HTTP and the socket, the sender's
notice, strikes that mute, and the conversation in front of operators."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from chat.models import Conversation, Message
from chat.services import conversation_start, message_send
from chat.tests.test_consumers import communicator
from safety.errors import ChatMuted
from safety.models import ChatMute, ContactStrike
from tests.factories import ProductWithSkuFactory, UserFactory


@pytest.fixture
def chat():
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    return conversation, buyer


@pytest.mark.django_db
def test_a_phone_number_over_http_is_masked_flagged_and_counted(chat):
    conversation, buyer = chat
    client = APIClient()
    client.force_authenticate(buyer)

    answer = client.post(
        f"/api/v1/conversations/{conversation.pk}/messages/", {"text": "加我微信 zhang_san88 便宜点"}, format="json"
    )

    assert answer.status_code == 201, answer.json()
    assert answer.json()["text"] == "加我微信 *** 便宜点"
    assert answer.json()["flags"] == ["contact_details"]
    stored = Message.objects.filter(conversation=conversation).latest("id")
    assert "zhang_san88" not in stored.text
    assert ContactStrike.objects.get(user=buyer).original_text == "加我微信 zhang_san88 便宜点"


@pytest.mark.django_db
def test_ordinary_chat_is_delivered_untouched(chat):
    conversation, buyer = chat

    message = message_send(user=buyer, conversation=conversation, text="两罐50元可以吗？12月1日前发货")

    assert (message.text, message.flags) == ("两罐50元可以吗？12月1日前发货", [])
    assert not ContactStrike.objects.exists()


@pytest.mark.django_db
def test_a_number_split_over_three_messages_is_masked_in_the_last(chat):
    conversation, buyer = chat

    for part in ("138", "0013"):
        message_send(user=buyer, conversation=conversation, text=part)
    last = message_send(user=buyer, conversation=conversation, text="8000")

    assert (last.text, last.flags) == ("***", ["contact_details"])


@pytest.mark.django_db
def test_three_strikes_mute_the_sender_and_report_the_conversation(chat):
    conversation, buyer = chat
    for text in ("13800138000", "QQ 12345678", "abc@qq.com"):
        message_send(user=buyer, conversation=conversation, text=text)

    with pytest.raises(ChatMuted):
        message_send(user=buyer, conversation=conversation, text="你好")

    assert ChatMute.objects.filter(user=buyer).exists()
    conversation = Conversation.objects.get(pk=conversation.pk)
    assert conversation.reported
    client = APIClient()
    client.force_authenticate(buyer)
    refused = client.post(f"/api/v1/conversations/{conversation.pk}/messages/", {"text": "在吗"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "chat_muted"


@pytest.mark.django_db(transaction=True)
def test_over_the_socket_the_sender_gets_a_notice_and_the_other_side_the_masked_text(chat):
    conversation, buyer = chat
    seller = conversation.shop.owner

    async def run():
        mine = communicator(conversation.pk, buyer)
        theirs = communicator(conversation.pk, seller)
        assert (await mine.connect())[0] and (await theirs.connect())[0]
        await mine.send_json_to({"type": "message", "text": "电话 一三八零零一三八零零零"})
        frames = {}
        while "notice" not in frames or "message" not in frames:
            frame = await mine.receive_json_from(timeout=5)
            frames.setdefault(frame["type"], frame)
        seen = None
        while seen is None:
            frame = await theirs.receive_json_from(timeout=5)
            seen = frame["message"] if frame["type"] == "message" else None
        await mine.disconnect()
        await theirs.disconnect()
        return frames, seen

    from asgiref.sync import async_to_sync

    frames, seen = async_to_sync(run)()

    assert frames["notice"]["code"] == "contact_details_masked"
    assert "escrow" in frames["notice"]["message"].lower() or "担保" in frames["notice"]["message"]
    assert seen["text"] == "电话 ***" and seen["flags"] == ["contact_details"]
