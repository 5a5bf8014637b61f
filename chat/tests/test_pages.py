"""Chat pages through their real URLs: start, my chats, a conversation, the seller inbox; badges; admin; demo."""

import pytest
from django.contrib.auth.models import Group, Permission

from chat.demo import demo_chats_ensure
from chat.models import Conversation, Message
from chat.selectors import chat_unread_totals, shop_reply_time
from chat.services import conversation_mark_read, conversation_report, conversation_start, message_send
from tests.factories import ProductWithSkuFactory, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_start_page_shows_the_product_and_posting_opens_the_conversation(client):
    product = ProductWithSkuFactory(title="湘西腊肉 Smoked Bacon")
    buyer = UserFactory()
    client.force_login(buyer)
    page = client.get("/chat/start/", {"shop": product.shop.slug, "product": product.pk})
    assert page.status_code == 200 and "湘西腊肉 Smoked Bacon" in page.content.decode()

    response = client.post("/chat/start/", {"shop": product.shop.slug, "product": product.pk})
    conversation = Conversation.objects.get(buyer=buyer, shop=product.shop)
    assert response.status_code == 302 and response["Location"] == f"/chats/{conversation.pk}/"
    assert client.post("/chat/start/", {"shop": "nope"}).status_code == 404


def test_start_needs_a_login_and_a_seller_cannot_start_with_their_own_shop(client):
    shop = ShopFactory()
    response = client.post("/chat/start/", {"shop": shop.slug})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(shop.owner)
    response = client.post("/chat/start/", {"shop": shop.slug}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert not Conversation.objects.exists()
    assert "own shop" in response.content.decode()


def test_conversation_page_renders_text_as_text_and_is_404_for_strangers(client):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    message_send(user=conversation.buyer, conversation=conversation, text="<script>alert(1)</script>")
    client.force_login(conversation.buyer)
    body = client.get(f"/chats/{conversation.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body
    assert 'id="chat-config"' in body and "js/chat.js" in body

    client.force_login(UserFactory())
    assert client.get(f"/chats/{conversation.pk}/").status_code == 404
    assert client.get(f"/seller/inbox/{conversation.pk}/").status_code in (302, 404)


def test_posting_without_javascript_sends_a_message(client):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    client.force_login(conversation.buyer)
    response = client.post(f"/chats/{conversation.pk}/", {"text": "在吗？"})
    assert response.status_code == 302
    assert Message.objects.get(conversation=conversation).text == "在吗？"


def test_seller_inbox_lists_unread_first_and_the_seller_reads_there(client):
    shop = ShopFactory()
    quiet, _ = conversation_start(buyer=UserFactory(username="laowang"), shop=shop)
    thanks = message_send(user=quiet.buyer, conversation=quiet, text="谢谢")
    conversation_mark_read(user=shop.owner, conversation=quiet, up_to=thanks.pk)
    waiting, _ = conversation_start(buyer=UserFactory(username="xiaomei"), shop=shop)
    message_send(user=waiting.buyer, conversation=waiting, text="这个腊肉很辣吗？")
    client.force_login(shop.owner)

    page = client.get("/seller/inbox/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.index("xiaomei") < body.index("laowang")
    assert (
        'id="seller-inbox-badge" data-testid="badge-inbox" data-count="1">1<' in body
        and 'id="chat-badge" data-count="1"' in body
    )

    assert client.get(f"/seller/inbox/{waiting.pk}/").status_code == 200
    assert client.get(f"/chats/{waiting.pk}/").status_code == 302  # the seller's side lives in the seller center


def test_my_chats_lists_the_buyers_conversations_with_badges(client):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory(name="湖南老农家"))
    message_send(user=conversation.shop.owner, conversation=conversation, text="您好")
    client.force_login(conversation.buyer)
    body = client.get("/chats/").content.decode()
    assert "湖南老农家" in body and "您好" in body
    assert 'id="chat-badge" data-count="1"' in body


def test_header_badge_costs_one_query(django_assert_num_queries):
    shop = ShopFactory()
    conversation, _ = conversation_start(buyer=UserFactory(), shop=shop)
    message_send(user=shop.owner, conversation=conversation, text="您好")
    # the owner also buys elsewhere, and has an answer waiting there
    elsewhere, _ = conversation_start(buyer=shop.owner, shop=ShopFactory())
    message_send(user=elsewhere.shop.owner, conversation=elsewhere, text="到货了")
    message_send(user=elsewhere.shop.owner, conversation=elsewhere, text="？")
    message_send(user=conversation.buyer, conversation=conversation, text="在吗")
    with django_assert_num_queries(1):
        totals = chat_unread_totals(user=shop.owner)
    assert (totals.buyer, totals.seller, totals.total) == (2, 1, 3)
    with django_assert_num_queries(1):
        assert chat_unread_totals(user=conversation.buyer).total == 0


def test_operators_read_messages_only_of_reported_conversations(client):
    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    message_send(user=conversation.buyer, conversation=conversation, text="老板你这个是假货吧")
    operator = UserFactory(is_staff=True)
    group = Group.objects.create(name="Chat operators")  # only chat's rights (migrate makes "Operators")
    group.permissions.set(Permission.objects.filter(content_type__app_label="chat"))
    operator.groups.add(group)
    client.force_login(operator)
    url = f"/admin/chat/conversation/{conversation.pk}/change/"
    assert "老板你这个是假货吧" not in client.get(url).content.decode()

    conversation_report(user=conversation.shop.owner, conversation=conversation, reason="asks for direct payment")
    assert "老板你这个是假货吧" in client.get(url).content.decode()
    listing = client.get("/admin/chat/conversation/?reported__exact=1").content.decode()
    assert f"/admin/chat/conversation/{conversation.pk}/change/" in listing


def test_shop_reply_time_is_the_median_over_30_days():
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    shop = ShopFactory()
    assert shop_reply_time(shop_id=shop.pk) is None
    now = timezone.now()
    for minutes_to_answer in (2, 4, 30):
        conversation, _ = conversation_start(buyer=UserFactory(), shop=shop)
        asked = message_send(user=conversation.buyer, conversation=conversation, text="在吗？")
        again = message_send(user=conversation.buyer, conversation=conversation, text="？")
        answer = message_send(user=shop.owner, conversation=conversation, text="在的")
        Message.objects.filter(pk=asked.pk).update(created_at=now - timedelta(hours=1))
        Message.objects.filter(pk=again.pk).update(created_at=now - timedelta(minutes=59))
        Message.objects.filter(pk=answer.pk).update(
            created_at=now - timedelta(hours=1) + timedelta(minutes=minutes_to_answer)
        )
    old, _ = conversation_start(buyer=UserFactory(), shop=shop)
    for text, days in (("old question", 40), ("old answer", 35)):
        m = message_send(user=old.buyer if text.startswith("old q") else shop.owner, conversation=old, text=text)
        Message.objects.filter(pk=m.pk).update(created_at=now - timedelta(days=days))
    cache.delete(f"chat:reply-time:{shop.pk}")
    assert shop_reply_time(shop_id=shop.pk) == 240


def test_demo_creates_the_spicy_meat_question_and_tolerates_a_missing_shop():
    demo_chats_ensure()  # no farm shop yet: nothing happens
    assert not Conversation.objects.exists()
    buyer = UserFactory(username="buyer")
    UserFactory(username="xiaomei")
    shop = ShopFactory(owner=UserFactory(username="farmer"))
    ProductWithSkuFactory(shop=shop, title="湘西腊肉 Xiangxi Smoked Bacon")
    demo_chats_ensure()
    demo_chats_ensure()  # idempotent
    conversation = Conversation.objects.get(buyer=buyer, shop=shop)
    texts = list(Message.objects.filter(conversation=conversation).exclude(text="").values_list("text", flat=True))
    assert texts[0] == "这个腊肉很辣吗？" and texts[1].startswith("不算很辣")
    assert Message.objects.filter(conversation=conversation, product__isnull=False).count() == 1
    assert Conversation.objects.count() == 2
    assert shop_reply_time(shop_id=shop.pk) is not None


# --- issue 18: a visitor who is not logged in; one card per product --------------------------------


def _log_in(client, user, next_url: str):
    from tests.factories import PASSWORD

    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, "next": next_url})


def test_a_visitor_who_logs_in_lands_in_the_chat_with_the_product_card(client):
    product = ProductWithSkuFactory(title="湘西腊肉")
    buyer = UserFactory()

    # given a visitor who clicks "chat with seller" on the product page
    asked = client.post("/chat/start/", {"shop": product.shop.slug, "product": product.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert asked.status_code == 302 and asked["Location"].startswith("/accounts/login/?next=")
    login_page = client.get(asked["Location"], HTTP_ACCEPT_LANGUAGE="en")
    # then the log-in page says why it appeared
    assert f"Log in to chat with {product.shop.name}" in login_page.content.decode()

    # when they log in, the log-in page sends them on; the chat starts with the product's card
    from urllib.parse import parse_qs, urlsplit

    next_url = parse_qs(urlsplit(asked["Location"]).query)["next"][0]
    logged_in = _log_in(client, buyer, next_url)
    assert logged_in.status_code == 302 and logged_in["Location"] == next_url
    landed = client.get(next_url)
    conversation = Conversation.objects.get(buyer=buyer, shop=product.shop)
    assert landed.status_code == 302 and landed["Location"] == f"/chats/{conversation.pk}/"
    cards = Message.objects.filter(conversation=conversation, product=product)
    assert cards.count() == 1 and cards.get().product_card["title"] == "湘西腊肉"

    # the replay is done once: the same link again only shows the "chat?" page
    assert client.get(next_url).status_code == 200
    assert Message.objects.filter(conversation=conversation).count() == 1


def test_a_replay_link_does_nothing_in_another_session(client):
    """The token lives in the visitor's own session: someone else's link cannot start a chat for you."""
    product = ProductWithSkuFactory()
    asked = client.post("/chat/start/", {"shop": product.shop.slug, "product": product.pk})
    from urllib.parse import parse_qs, urlsplit

    next_url = parse_qs(urlsplit(asked["Location"]).query)["next"][0]
    from django.test import Client

    victim = Client()
    victim.force_login(UserFactory())
    page = victim.get(next_url)
    assert page.status_code == 200 and not Conversation.objects.exists()


def test_the_log_in_page_never_sends_a_visitor_off_site(client):
    buyer = UserFactory()
    response = _log_in(client, buyer, "https://evil.example/chat/start/")
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")


def test_asking_again_about_the_same_product_adds_no_second_card(client):
    product = ProductWithSkuFactory()
    other = ProductWithSkuFactory(shop=product.shop)
    buyer = UserFactory()
    client.force_login(buyer)

    for _ in range(3):  # three clicks on "chat with seller", a question in between
        client.post("/chat/start/", {"shop": product.shop.slug, "product": product.pk})
        conversation = Conversation.objects.get()
        message_send(user=buyer, conversation=conversation, text="还有货吗？")
    assert Message.objects.filter(product=product).count() == 1

    # another product gets its card; coming back to the first one shows it again
    client.post("/chat/start/", {"shop": product.shop.slug, "product": other.pk})
    client.post("/chat/start/", {"shop": product.shop.slug, "product": other.pk})
    client.post("/chat/start/", {"shop": product.shop.slug, "product": product.pk})
    cards = list(Message.objects.exclude(product=None).order_by("id").values_list("product_id", flat=True))
    assert cards == [product.pk, other.pk, product.pk]


def test_the_api_start_adds_no_second_card_for_the_same_product(api_client):
    product = ProductWithSkuFactory()
    buyer = UserFactory()
    api_client.force_authenticate(buyer)
    first = api_client.post("/api/v1/conversations/", {"shop": product.shop.slug, "product": product.pk})
    api_client.post(f"/api/v1/conversations/{first.json()['id']}/messages/", {"text": "在吗"})
    again = api_client.post("/api/v1/conversations/", {"shop": product.shop.slug, "product": product.pk})
    assert first.status_code == 201 and again.status_code == 200
    assert Message.objects.filter(product=product).count() == 1


def test_chat_times_are_in_the_sites_zone_and_say_which(client, settings):
    """Issue 18 #3: one zone on a chat screen. The page renders times in TIME_ZONE, names the zone, and
    hands chat.js the same zone for the live messages (never the browser's own)."""
    import datetime as dt
    import json
    import re

    conversation, _ = conversation_start(buyer=UserFactory(), shop=ShopFactory())
    message = message_send(user=conversation.buyer, conversation=conversation, text="几点发货？")
    Message.objects.filter(pk=message.pk).update(created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    client.force_login(conversation.buyer)

    html = client.get(f"/chats/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">03-02 07:30</time>" in html  # 23:30 UTC is 07:30 the next morning in Beijing
    assert 'title="2026-03-02 07:30 Beijing time (UTC+08:00)"' in html
    assert "Times are in Beijing time (UTC+08:00)." in html
    strings = json.loads(re.search(r'id="chat-strings" type="application/json">(.*?)</script>', html).group(1))
    assert strings["timeZone"] == "Asia/Shanghai"

    settings.TIME_ZONE = "Asia/Tokyo"  # configurable (a zone without summer time): the whole screen follows
    html = client.get(f"/chats/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">03-02 08:30</time>" in html
    assert "Times are in Asia/Tokyo (UTC+09:00)." in html
