"""The chat HTTP API through its real URLs (API.md, "Chat")."""

import pytest
from rest_framework.test import APIClient

from chat.models import Conversation, Message
from chat.services import conversation_start, message_send
from tests.clients import client_for
from tests.factories import ProductWithSkuFactory, ShopFactory, UserFactory, staff_for
from tests.ratelimits import inside_one_window

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat():
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    return conversation, buyer, product.shop.owner, product


def test_start_answers_201_then_200_with_one_conversation_per_buyer_and_shop():
    product = ProductWithSkuFactory()
    buyer = client_for(UserFactory())
    first = buyer.post("/api/v1/conversations/", {"shop": product.shop.slug, "product": product.pk})
    second = buyer.post("/api/v1/conversations/", {"shop": product.shop.slug})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    body = first.json()
    assert body["shop"] == {"slug": product.shop.slug, "name": product.shop.name}
    assert body["buyer"]["username"] and body["unread"] == 0
    assert Conversation.objects.count() == 1


def test_start_errors_in_one_shape():
    product = ProductWithSkuFactory()
    buyer = client_for(UserFactory())
    assert buyer.post("/api/v1/conversations/", {"shop": "no-such-shop"}).status_code == 404
    own = client_for(product.shop.owner).post("/api/v1/conversations/", {"shop": product.shop.slug})
    assert own.status_code == 400 and own.json()["error"]["code"] == "own_shop"
    other = buyer.post("/api/v1/conversations/", {"shop": product.shop.slug, "product": ProductWithSkuFactory().pk})
    assert other.status_code == 400 and "product" in other.json()["error"]["fields"]
    assert APIClient().post("/api/v1/conversations/", {"shop": product.shop.slug}).status_code == 401


def test_strangers_get_404_everywhere(chat):
    conversation, _buyer, _seller, _product = chat
    stranger = client_for(UserFactory())
    base = f"/api/v1/conversations/{conversation.pk}"
    assert stranger.get(f"{base}/").status_code == 404
    assert stranger.get(f"{base}/messages/").status_code == 404
    response = stranger.post(f"{base}/messages/", {"text": "hi"})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert stranger.post(f"{base}/read/", {"up_to": 1}).status_code == 404
    assert stranger.post(f"{base}/report/", {"reason": "x"}).status_code == 404
    assert stranger.get("/api/v1/conversations/").json()["count"] == 0
    assert stranger.get("/api/v1/conversations/?as=seller").json()["count"] == 0
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_send_text_and_product_and_the_2000_character_limit(chat):
    conversation, buyer, seller, product = chat
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    sent = client_for(buyer).post(url, {"text": "这个腊肉很辣吗？", "client_id": "c-1"})
    assert sent.status_code == 201
    message = sent.json()
    assert message["text"] == "这个腊肉很辣吗？" and message["client_id"] == "c-1"
    assert message["sender"] == {"id": buyer.pk, "username": buyer.username, "role": "buyer"}
    assert message["conversation"] == conversation.pk and message["created_at"]

    card = client_for(seller).post(url, {"product": product.pk})
    assert card.status_code == 201 and card.json()["product"]["title"] == product.title
    assert card.json()["sender"]["role"] == "seller"

    too_long = client_for(buyer).post(url, {"text": "辣" * 2001})
    assert too_long.status_code == 400
    assert too_long.json()["error"]["code"] == "message_too_long" and "text" in too_long.json()["error"]["fields"]
    empty = client_for(buyer).post(url, {"text": ""})
    assert empty.status_code == 400
    assert client_for(buyer).post(url, {"text": "辣" * 2000}).status_code == 201


def test_send_an_image(chat):
    from tests.factories import image_bytes, upload

    conversation, buyer, _seller, _product = chat
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    response = client_for(buyer).post(url, {"image": upload("box.jpg", image_bytes())}, format="multipart")
    assert response.status_code == 201 and response.json()["image_url"].startswith("/media/chat/")
    bad = client_for(buyer).post(url, {"image": upload("x.jpg", b"not an image")}, format="multipart")
    assert bad.status_code == 400


def test_messages_pages_oldest_first_with_before_and_after(chat, settings):
    conversation, buyer, seller, _product = chat
    ids = [message_send(user=buyer if n % 2 else seller, conversation=conversation, text=f"#{n}").pk for n in range(7)]
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    client = client_for(buyer)

    latest = client.get(url, {"limit": 3}).json()
    assert [m["text"] for m in latest["results"]] == ["#4", "#5", "#6"]
    assert latest["count"] == 8 and latest["next"] is None and latest["previous"]

    older = client.get(latest["previous"]).json()
    assert [m["text"] for m in older["results"]] == ["#1", "#2", "#3"]

    collected, page = [], client.get(url, {"after": ids[0], "limit": 2}).json()
    while True:
        collected += [m["id"] for m in page["results"]]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert collected == ids[1:]
    assert client.get(url, {"after": ids[-1]}).json()["results"] == []
    assert client.get(url, {"after": "x"}).status_code == 400


def test_read_marks_and_unread_counts_in_both_lists(chat):
    conversation, buyer, seller, _product = chat
    staff = staff_for(conversation.shop)
    message_send(user=buyer, conversation=conversation, text="在吗？")
    last = message_send(user=buyer, conversation=conversation, text="这个腊肉很辣吗？")

    inbox = client_for(staff).get("/api/v1/conversations/?as=seller").json()
    assert inbox["count"] == 1
    row = inbox["results"][0]
    assert row["unread"] == 3 and row["buyer"]["username"] == buyer.username
    assert row["last_message"]["text"] == "这个腊肉很辣吗？" and row["product"]["title"]

    read = client_for(seller).post(f"/api/v1/conversations/{conversation.pk}/read/", {"up_to": last.pk})
    assert read.status_code == 200 and read.json()["unread"] == 0
    assert client_for(staff).get("/api/v1/conversations/?as=seller").json()["results"][0]["unread"] == 0

    message_send(user=staff, conversation=conversation, text="微辣")
    mine = client_for(buyer).get("/api/v1/conversations/").json()
    assert mine["results"][0]["unread"] == 1
    assert client_for(buyer).post(f"/api/v1/conversations/{conversation.pk}/read/", {"up_to": -1}).status_code == 400


def test_inbox_is_unread_first_then_newest_without_n_plus_one(django_assert_max_num_queries):
    shop = ShopFactory()
    conversations = []
    for n in range(6):
        conversation, _ = conversation_start(buyer=UserFactory(), shop=shop, product=ProductWithSkuFactory(shop=shop))
        message_send(user=conversation.buyer, conversation=conversation, text=f"question {n}")
        conversations.append(conversation)
    # the seller answers (and so reads) the two newest
    for conversation in conversations[-2:]:
        message_send(user=shop.owner, conversation=conversation, text="answer")
    client = client_for(shop.owner)
    with django_assert_max_num_queries(6):
        rows = client.get("/api/v1/conversations/?as=seller").json()["results"]
    expected = [c.pk for c in reversed(conversations[:4])] + [c.pk for c in reversed(conversations[4:])]
    assert [r["id"] for r in rows] == expected
    assert [r["unread"] for r in rows] == [2, 2, 2, 2, 0, 0]


def test_report_through_the_api(chat):
    conversation, buyer, _seller, _product = chat
    response = client_for(buyer).post(f"/api/v1/conversations/{conversation.pk}/report/", {"reason": "私下转账"})
    assert response.status_code == 200
    conversation.refresh_from_db()
    assert conversation.reported and conversation.report_reason == "私下转账"


def test_sending_too_fast_over_http_is_429_with_retry_after(chat, settings):

    conversation, buyer, _seller, _product = chat
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat": "2/10s"}
    inside_one_window("2/10s", seconds=4)
    client = client_for(buyer)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    answers = [client.post(url, {"text": f"#{n}"}) for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].json()["error"]["code"] == "rate_limited" and int(answers[2]["Retry-After"]) >= 1


def test_the_conversation_list_refuses_an_unknown_side(api_client):
    api_client.force_authenticate(UserFactory())
    answer = api_client.get("/api/v1/conversations/?as=AAA")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "validation_error" and "as" in answer.json()["error"]["fields"]
    assert api_client.get("/api/v1/conversations/?as=seller").status_code == 200
    assert api_client.get("/api/v1/conversations/").status_code == 200


def test_messages_between_two_ids(api_client):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    ids = [message_send(user=conversation.buyer, conversation=conversation, text=str(n)).pk for n in range(5)]
    api_client.force_authenticate(conversation.buyer)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    body = api_client.get(url, {"after": ids[0], "before": ids[4], "limit": 2}).json()
    assert [m["id"] for m in body["results"]] == ids[1:3] and body["next"] is not None
    assert api_client.get(url, {"after": ids[3], "before": ids[1]}).json()["results"] == []


def test_a_report_reason_that_is_not_text_is_refused(api_client):
    from chat.services import conversation_start
    from tests.factories import ProductWithSkuFactory, UserFactory

    product = ProductWithSkuFactory()
    buyer = UserFactory()
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop)
    api_client.force_authenticate(buyer)

    answer = api_client.post(f"/api/v1/conversations/{conversation.pk}/report/", {"reason": 0}, format="json")

    assert answer.status_code == 400 and "reason" in answer.json()["error"]["fields"]
