"""Chat services: who may talk, what a message may hold, unread counts and read marks, broadcasts on commit."""

from unittest.mock import ANY

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from chat.errors import MessageEmpty, MessageTooLong, OwnShopError
from chat.fast_paths import unread_side_totals
from chat.models import Conversation, Message
from chat.services import broadcast, conversation_mark_read, conversation_report, conversation_start, message_send
from common.errors import NotFound, RateLimited, ValidationFailed
from tests.factories import ProductWithSkuFactory, ShopFactory, UserFactory, staff_for
from tests.ratelimits import inside_one_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The events the services hand to the channel layer (after commit)."""
    events = []
    monkeypatch.setattr(broadcast, "broadcast_send", events.extend)
    return events


def test_start_is_get_or_create_and_drops_the_product_card_once(django_capture_on_commit_callbacks, sent):
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first, created = conversation_start(buyer=buyer, shop=product.shop, product=product)
    again, created_again = conversation_start(buyer=buyer, shop=product.shop, product=product)

    assert created and not created_again and first.pk == again.pk
    cards = Message.objects.filter(conversation=first, product=product)
    assert cards.count() == 1
    card = cards.get().product_card
    assert card["title"] == product.title and card["price"] == "28.00" and card["url"] == f"/product/{product.pk}/"
    assert first.shop_unread == 1 and again.product_id == product.pk
    assert (f"chat.conversation.{first.pk}", "chat.message") in [(g, e["type"]) for g, e in sent]


def test_a_seller_cannot_chat_with_their_own_shop():
    shop = ShopFactory()
    staff = staff_for(shop)
    with pytest.raises(OwnShopError):
        conversation_start(buyer=shop.owner, shop=shop)
    with pytest.raises(OwnShopError):
        conversation_start(buyer=staff, shop=shop)
    assert not Conversation.objects.exists()


def test_a_product_of_another_shop_or_not_public_is_refused():
    shop = ShopFactory()
    with pytest.raises(ValidationFailed):
        conversation_start(buyer=UserFactory(), shop=shop, product=ProductWithSkuFactory())
    hidden = ProductWithSkuFactory(shop=shop, visible=False)
    with pytest.raises(ValidationFailed):
        conversation_start(buyer=UserFactory(), shop=shop, product=hidden)


def test_text_is_cleaned_and_limited_to_2000_characters():
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    ok = message_send(user=conversation.buyer, conversation=conversation, text="  这个腊肉\x00很辣吗？\u202e ")
    assert ok.text == "这个腊肉很辣吗？"
    assert message_send(user=conversation.buyer, conversation=conversation, text="辣" * 2000).text == "辣" * 2000
    with pytest.raises(MessageTooLong) as excinfo:
        message_send(user=conversation.buyer, conversation=conversation, text="辣" * 2001)
    assert excinfo.value.code == "message_too_long"
    with pytest.raises(MessageEmpty):
        message_send(user=conversation.buyer, conversation=conversation, text=" \x07 ")
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_strangers_cannot_send_and_staff_share_the_shop_side():
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    staff = staff_for(conversation.shop)
    with pytest.raises(NotFound):
        message_send(user=UserFactory(), conversation=conversation, text="hi")
    reply = message_send(user=staff, conversation=conversation, text="您好，在的")
    assert reply.sender_role == "seller"


def test_unread_counts_and_read_marks_per_side(sent, django_capture_on_commit_callbacks):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    buyer, seller = conversation.buyer, conversation.shop.owner
    m1 = message_send(user=buyer, conversation=conversation, text="在吗？")
    m2 = message_send(user=buyer, conversation=conversation, text="这个腊肉很辣吗？")
    conversation.refresh_from_db()
    assert (conversation.shop_unread, conversation.buyer_unread) == (2, 0)

    with django_capture_on_commit_callbacks(execute=True):
        assert conversation_mark_read(user=seller, conversation=conversation, up_to=m1.pk) == 1
    read_events = [e for g, e in sent if e["type"] == "chat.read"]
    assert read_events[-1]["role"] == "seller" and read_events[-1]["up_to"] == m1.pk
    # the seller side's new count goes to everyone working for the shop, once
    assert [(g, e["role"], e["total"]) for g, e in sent if e["type"] == "chat.unread"][-1:] == [
        (f"chat.shop.{conversation.shop_id}", "seller", 1)
    ]

    # replying reads everything before; a read mark never moves back and never passes the last message
    message_send(user=seller, conversation=conversation, text="微辣")
    conversation.refresh_from_db()
    assert (conversation.shop_unread, conversation.buyer_unread) == (0, 1)
    assert conversation_mark_read(user=buyer, conversation=conversation, up_to=10**12) == 0
    conversation.refresh_from_db()
    assert conversation.buyer_last_read_id == conversation.last_message_id
    assert conversation_mark_read(user=seller, conversation=conversation, up_to=m2.pk - 1) == 0
    with pytest.raises(ValidationFailed):
        conversation_mark_read(user=seller, conversation=conversation, up_to="abc")


def test_rate_limit_per_user(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "3/10s"}
    inside_one_window("3/10s", seconds=4)
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    for n in range(3):
        message_send(user=conversation.buyer, conversation=conversation, text=f"#{n}")
    with pytest.raises(RateLimited) as excinfo:
        message_send(user=conversation.buyer, conversation=conversation, text="#4")
    assert excinfo.value.code == "rate_limited" and 1 <= excinfo.value.retry_after <= 10
    # another person is not slowed down by it
    message_send(user=conversation.shop.owner, conversation=conversation, text="ok")
    assert Message.objects.filter(conversation=conversation).count() == 4


def test_a_resent_client_id_does_not_make_a_second_message():
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    first = message_send(user=conversation.buyer, conversation=conversation, text="hi", client_id="abc-1")
    again = message_send(user=conversation.buyer, conversation=conversation, text="hi", client_id="abc-1")
    assert first.pk == again.pk
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_nothing_is_broadcast_when_the_transaction_rolls_back(sent, django_capture_on_commit_callbacks):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        message_send(user=conversation.buyer, conversation=conversation, text="lost")
        raise RuntimeError
    assert sent == [] and not Message.objects.exists()


def test_report_needs_a_reason_and_a_participant():
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    with pytest.raises(ValidationFailed):
        conversation_report(user=conversation.buyer, conversation=conversation, reason="  ")
    with pytest.raises(NotFound):
        conversation_report(user=UserFactory(), conversation=conversation, reason="spam")
    conversation_report(user=conversation.buyer, conversation=conversation, reason="他让我私下转账")
    conversation.refresh_from_db()
    assert conversation.reported and conversation.reported_by == conversation.buyer


def test_a_message_is_five_statements_and_its_pushes_carry_the_counts(sent, django_capture_on_commit_callbacks):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    staff = staff_for(conversation.shop)
    message_send(user=conversation.buyer, conversation=conversation, text="在吗？")
    sent.clear()

    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
        reply = message_send(user=staff, conversation=conversation, text="在的", client_id="s-1")
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # the sender's mute (safety: three contact-detail strikes), lock (with the sender's side and the resend
    # check), insert, update, and on commit both counts; text without digits reads no earlier messages
    assert len(statements) == 5, statements
    assert "safety_chatmute" in statements[0]

    assert sent[0] == (f"chat.conversation.{conversation.pk}", {"type": "chat.message", "message": ANY})
    unread = {group: event for group, event in sent[1:]}
    buyer_push = unread[f"chat.user.{conversation.buyer_id}"]
    seller_push = unread[f"chat.shop.{conversation.shop_id}"]
    assert (buyer_push["role"], buyer_push["total"]) == ("buyer", 1)
    assert (seller_push["role"], seller_push["total"]) == ("seller", 0)
    assert buyer_push["conversation"]["unread"] == 1 and buyer_push["conversation"]["last_message"]["id"] == reply.pk
    assert seller_push["conversation"]["buyer"]["username"] == conversation.buyer.username


def test_totals_count_every_conversation_of_the_buyer_and_of_the_shop():
    shop = ShopFactory()
    buyer = UserFactory()
    for other_shop in (shop, ShopFactory()):
        conversation, _ = conversation_start(buyer=buyer, shop=other_shop)
        message_send(user=other_shop.owner, conversation=conversation, text="您好")
    second_buyer, _ = conversation_start(buyer=UserFactory(), shop=shop)
    for text in ("在吗？", "还有货吗？"):
        message_send(user=second_buyer.buyer, conversation=second_buyer, text=text)
    assert unread_side_totals(buyer_id=buyer.pk, shop_id=shop.pk) == (2, 2)
    assert unread_side_totals(buyer_id=buyer.pk, shop_id=None) == (2, 0)
