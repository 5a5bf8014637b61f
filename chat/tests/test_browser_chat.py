"""Chat in a real browser (phone-sized): a buyer asks from a product page, the seller answers live."""

import re

import pytest
from playwright.sync_api import expect

from chat.models import Conversation
from conftest import AsgiServer, browser_login, screenshot, server_env
from tests.factories import PASSWORD, ProductWithSkuFactory, ShopFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_buyer_asks_from_the_product_page_and_the_seller_answers_live(asgi_server, new_page):
    shop = ShopFactory(name="湖南老农家", owner=UserFactory(username="farmer-b"))
    product = ProductWithSkuFactory(shop=shop, title="湘西腊肉 Xiangxi Smoked Bacon")
    UserFactory(username="buyer-b")
    base = asgi_server.url

    seller = new_page(language="en")
    browser_login(seller, base, "farmer-b", PASSWORD)
    seller.goto(f"{base}/seller/inbox/")
    expect(seller.locator("#conv-list li")).to_have_count(0)

    buyer = new_page(language="en")
    browser_login(buyer, base, "buyer-b", PASSWORD)
    buyer.goto(f"{base}/product/{product.pk}/")
    with buyer.expect_navigation():
        buyer.click("[data-testid=chat-with-seller]")
    assert re.search(r"/chats/\d+/$", buyer.url)
    expect(buyer.locator("#chat-list .msg-product")).to_contain_text("湘西腊肉")

    # the buyer asks; the optimistic copy is confirmed by the server's frame
    buyer.fill("#chat-input", "这个腊肉很辣吗？")
    buyer.click("#chat-send")
    question = buyer.locator("#chat-list li.msg.mine", has_text="这个腊肉很辣吗？")
    expect(question).to_have_attribute("data-id", re.compile(r"\d+"))
    expect(question.locator(".receipt")).to_have_text("Unread")

    # the seller's inbox shows it without a reload, with the badges
    row = seller.locator("#conv-list li", has_text="buyer-b")
    expect(row).to_contain_text("这个腊肉很辣吗？")
    expect(row.locator(".conv-unread")).to_have_text("2")  # the product card and the question
    expect(seller.locator("#chat-badge")).to_have_text("2")
    expect(seller.locator("#seller-inbox-badge")).to_have_text("2")
    expect(row).to_contain_text("湘西腊肉")
    screenshot(seller, "chat-seller-inbox-live")

    with seller.expect_navigation():
        row.locator("a").click()
    expect(seller.locator("#chat-list")).to_contain_text("这个腊肉很辣吗？")
    expect(seller.locator("#chat-badge")).to_have_text("0")  # opening it reads it
    expect(question.locator(".receipt")).to_have_text("Read")  # the buyer sees the read receipt

    buyer.wait_for_timeout(3100)  # the page sends at most one typing frame per 3 s
    buyer.locator("#chat-input").press_sequentially("好的")
    expect(seller.locator("#chat-status")).to_have_text("typing…")
    buyer.fill("#chat-input", "")

    seller.fill("#chat-input", "不算很辣，是微辣的。小孩也能吃一点。")
    seller.locator("#chat-input").press("Enter")
    answer = buyer.locator("#chat-list li.msg.theirs", has_text="不算很辣")
    expect(answer).to_be_visible()
    screenshot(buyer, "chat-buyer-conversation")
    screenshot(seller, "chat-seller-conversation")

    # the buyer leaves for "my chats"; a new answer updates the row and the header badge live
    buyer.goto(f"{base}/chats/")
    expect(buyer.locator("#chat-badge")).to_have_text("0")
    seller.fill("#chat-input", "<script>alert(1)</script>")
    seller.click("#chat-send")
    buyer_row = buyer.locator("#conv-list li", has_text="湖南老农家")
    expect(buyer_row.locator(".conv-unread")).to_have_text("1")
    expect(buyer.locator("#chat-badge")).to_have_text("1")
    expect(buyer_row.locator(".conv-preview")).to_have_text("<script>alert(1)</script>")
    screenshot(buyer, "chat-buyer-my-chats")

    with buyer.expect_navigation():
        buyer_row.locator("a").click()
    script_bubble = buyer.locator("#chat-list li.msg.theirs .bubble", has_text="alert(1)")
    expect(script_bubble).to_have_text("<script>alert(1)</script>")
    assert buyer.locator("#chat-list script").count() == 0
    expect(buyer.locator("#chat-badge")).to_have_text("0")
    conversation = Conversation.objects.get()
    assert conversation.buyer_unread == 0 and conversation.shop_unread == 0


def test_the_page_reconnects_and_catches_up_after_the_server_goes_away(new_page, tmp_path, monkeypatch):
    from chat.services import broadcast, conversation_start, message_send

    shop = ShopFactory(owner=UserFactory(username="farmer-c"))
    conversation, _ = conversation_start(buyer=UserFactory(username="buyer-c"), shop=shop)
    message_send(user=shop.owner, conversation=conversation, text="您好，在的")
    server = AsgiServer(server_env(), tmp_path / "first.log").start()
    try:
        page = new_page(language="en")
        browser_login(page, server.url, "buyer-c", PASSWORD)
        page.goto(f"{server.url}/chats/{conversation.pk}/")
        expect(page.locator("#chat")).to_have_attribute("data-live", "1")
    finally:
        server.stop()
    expect(page.locator("#chat")).to_have_attribute("data-live", "0")
    expect(page.locator("#chat-conn")).to_be_visible()

    # while the page is cut off, the seller writes three times (nobody is listening to broadcasts)
    monkeypatch.setattr(broadcast, "broadcast_send", lambda events: None)
    for n in range(3):
        message_send(user=shop.owner, conversation=conversation, text=f"离线消息 {n}")
    screenshot(page, "chat-reconnecting")

    again = AsgiServer(server_env(), tmp_path / "second.log")
    again.port, again.url, again.ws_url = server.port, server.url, server.ws_url
    again.start()
    try:
        expect(page.locator("#chat")).to_have_attribute("data-live", "1", timeout=30_000)
        expect(page.locator("#chat-list li.msg.theirs")).to_have_count(4)
        texts = page.locator("#chat-list li.msg.theirs .bubble").all_inner_texts()
        assert texts == ["您好，在的", "离线消息 0", "离线消息 1", "离线消息 2"]
        expect(page.locator("#chat-conn")).to_be_hidden()
    finally:
        again.stop()
