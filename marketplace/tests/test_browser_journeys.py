"""Issue 18's broken journeys in a real browser (Debian's Chromium): a visitor who is not logged in asks the
seller or adds to the cart and, after logging in, finds it done; one product card per product; one time
zone on a chat screen; the order page asks before escrow is released. Screenshots of the pages these
touch, at 1366×900 and 390×844, in Chinese and English: test-artifacts/screenshots/journey/."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from catalog.services import product_image_add
from chat.models import Conversation, Message
from chat.services import conversation_start, message_send
from conftest import SCREENSHOTS
from orders.models import Order
from orders.tests.helpers import placed_paid, placed_shipped
from tests.factories import PASSWORD, ShopFactory, UserFactory, image_bytes, make_product, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SHOTS = SCREENSHOTS / "journey"


def shot(page, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def log_in_here(page, username: str) -> None:
    """On the log-in page the visitor was sent to: fill it in and go on."""
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.form-grid button[type=submit]")


def farm_product(**extra):
    shop = ShopFactory(name="湖南老农家", slug="laonongjia", province="湖南", city="湘西", village="石板村")
    product = make_product(
        shop=shop,
        title="湖南农家腌萝卜",
        skus=(("500 g 罐装", "28.00", 20), ("1 kg 罐装", "52.00", 3)),
        province="湖南",
        city="湘西",
        **extra,
    )
    for colour in [(200, 80, 40), (60, 140, 70), (230, 190, 60)]:
        product_image_add(product=product, upload=upload(data=image_bytes(size=(600, 600), colour=colour)))
    return product


def test_a_visitor_asks_the_seller_logs_in_and_is_in_the_chat_with_the_card(asgi_server, new_page):
    base = asgi_server.url
    product = farm_product()
    UserFactory(username="xiaoming")

    page = new_page()  # a phone: the bottom bar's "chat" button
    page.goto(f"{base}/product/{product.pk}/")
    expect(page.locator("[data-testid=buy-bar]")).to_be_visible()
    expect(page.locator("[data-testid=add-to-cart]")).to_be_hidden()  # the bar carries it on a phone
    shot(page, "product-zh-phone-screen", full_page=False)  # what the phone shows: the bar at the bottom
    with page.expect_navigation():
        page.click("[data-testid=bar-chat]")
    assert "/accounts/login/" in page.url
    expect(page.locator(".messages")).to_contain_text("登录后即可和「湖南老农家」聊天")
    shot(page, "login-reason-chat-zh-phone")
    log_in_here(page, "xiaoming")

    assert re.search(r"/chats/\d+/$", page.url), page.url
    expect(page.locator("#chat-list .msg-product")).to_have_count(1)
    expect(page.locator("#chat-list .msg-product")).to_contain_text("湖南农家腌萝卜")

    # asking again from the product page (a question in between) adds no second card
    page.fill("#chat-input", "是自家种的萝卜吗？")
    page.click("#chat-send")
    expect(page.locator("#chat-list li.msg.mine", has_text="自家种")).to_have_attribute("data-id", re.compile(r"\d+"))
    page.goto(f"{base}/product/{product.pk}/")
    with page.expect_navigation():
        page.click("[data-testid=bar-chat]")
    expect(page.locator("#chat-list .msg-product")).to_have_count(1)
    assert Message.objects.filter(product=product).count() == 1
    shot(page, "chat-after-login-zh-phone")


def test_a_visitor_adds_to_the_cart_logs_in_and_finds_it_in_the_cart(asgi_server, new_page):
    base = asgi_server.url
    product = farm_product()
    big = product.skus.get(name="1 kg 罐装")
    UserFactory(username="lily")

    page = new_page(language="en", size=DESKTOP)
    page.goto(f"{base}/product/{product.pk}/")
    expect(page.locator("[data-testid=buy-bar]")).to_be_hidden()  # the bar is for phones
    # the gallery: three different photos; a thumbnail shows its photo and is marked as the one shown
    thumbs = page.locator(".gallery-thumb")
    expect(thumbs).to_have_count(3)
    sources = {thumbs.nth(i).get_attribute("data-src") for i in range(3)}
    assert len(sources) == 3
    thumbs.nth(1).click()
    expect(page.locator("#gallery-main")).to_have_attribute("src", thumbs.nth(1).get_attribute("data-src"))
    expect(thumbs.nth(1)).to_have_class(re.compile(r"\bactive\b"))
    expect(thumbs.nth(0)).not_to_have_class(re.compile(r"\bactive\b"))
    shot(page, "product-en-desktop")
    page.check(f"input[name=sku][value='{big.pk}']")
    page.fill("input[name=quantity]", "2")
    with page.expect_navigation():
        page.click("[data-testid=add-to-cart]")
    expect(page.locator(".messages")).to_contain_text("Log in to add this to your cart")
    shot(page, "login-reason-cart-en-desktop")
    log_in_here(page, "lily")

    assert page.url.endswith("/cart/")
    expect(page.locator(".messages")).to_contain_text("Added to your cart.")
    expect(page.locator("#cart-badge")).to_have_text("2")  # items, not lines
    expect(page.locator("main")).to_contain_text("1 kg 罐装")
    shot(page, "cart-after-login-en-desktop")

    # more than the stock: the message names the SKU, and the page keeps the choice
    page.goto(f"{base}/product/{product.pk}/")
    page.check(f"input[name=sku][value='{big.pk}']")
    page.fill("input[name=quantity]", "2")
    with page.expect_navigation():
        page.click("[data-testid=add-to-cart]")
    expect(page.locator(".messages")).to_contain_text("Only 3 left of “湖南农家腌萝卜 · 1 kg 罐装”.")
    expect(page.locator(f"input[name=sku][value='{big.pk}']")).to_be_checked()
    expect(page.locator("input[name=quantity]")).to_have_value("2")
    expect(page.locator("#sku-price")).to_contain_text("52.00")
    shot(page, "product-stock-error-en-desktop")


def _in_another_thread(action):
    """Runs a service that broadcasts on commit away from this thread: Playwright's event loop owns this one,
    and async_to_sync (the broadcast) refuses to run beside it — the live frame would never be sent."""
    answers = []

    def run():
        try:
            answers.append(action())
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(20)
    return answers[0]


def test_one_time_zone_on_a_chat_screen_whatever_the_browsers(asgi_server, new_page):
    base = asgi_server.url
    shop = ShopFactory(name="湖南老农家", owner=UserFactory(username="farmer-z"))
    conversation, _ = conversation_start(buyer=UserFactory(username="buyer-z"), shop=shop)
    old = message_send(user=conversation.buyer, conversation=conversation, text="昨天的问题")
    Message.objects.filter(pk=old.pk).update(created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))

    # a buyer whose computer is set to New York (13 hours behind Beijing in winter)
    page = new_page(language="en", timezone_id="America/New_York")
    page.goto(f"{base}/accounts/login/")
    log_in_here(page, "buyer-z")
    page.goto(f"{base}/chats/{conversation.pk}/")
    expect(page.locator("#chat")).to_have_attribute("data-live", "1")
    expect(page.locator(f"li[data-id='{old.pk}'] time")).to_have_text("03-02 07:30")
    expect(page.locator("[data-testid=chat-zone]")).to_contain_text("Beijing time (UTC+08:00)")

    # a live answer: its time in Beijing time too, as the page would render it
    answer = _in_another_thread(lambda: message_send(user=shop.owner, conversation=conversation, text="今天就发货"))
    beijing = answer.created_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
    live = page.locator("#chat-list li.msg.theirs", has_text="今天就发货")
    expect(live.locator("time")).to_have_text(beijing.strftime("%H:%M"))
    assert live.locator("time").get_attribute("title").endswith("Beijing time (UTC+08:00)")
    # the browser's own clock would have said something else
    new_york = answer.created_at.astimezone(dt.timezone(dt.timedelta(hours=-5))).strftime("%H:%M")
    assert new_york != beijing.strftime("%H:%M")
    shot(page, "chat-one-zone-en-phone")

    page.reload()  # rendered by the server: the same label
    expect(page.locator("#chat-list li.msg.theirs", has_text="今天就发货").locator("time")).to_have_text(
        beijing.strftime("%H:%M")
    )


def test_the_order_page_asks_before_paying_the_seller(asgi_server, new_page):
    base = asgi_server.url
    product = farm_product()
    buyer = UserFactory(username="wang")
    shipped = placed_shipped(buyer, product.skus.get(name="500 g 罐装"), 2)
    paid = placed_paid(buyer, product.skus.get(name="500 g 罐装"), 1)

    page = new_page(language="en")
    page.goto(f"{base}/accounts/login/")
    log_in_here(page, "wang")

    # a paid order: the refund form waits folded until asked for
    page.goto(f"{base}/orders/{paid.number}/")
    refund = page.locator("[data-testid=refund]")
    expect(refund.locator("textarea[name=reason], input[name=reason]")).to_be_hidden()
    refund.locator("summary").click()
    expect(refund.locator("textarea[name=reason], input[name=reason]")).to_be_visible()
    expect(page.locator("[data-testid=contact-seller]")).to_be_visible()
    shot(page, "order-paid-refund-open-en-phone")

    # a shipped order: "confirm receipt" asks first, and only "yes" pays the seller
    page.goto(f"{base}/orders/{shipped.number}/")
    shot(page, "order-shipped-en-phone")
    page.click("[data-testid=confirm-receipt]")
    question = page.locator(".confirm-box")
    expect(question).to_contain_text("Have you received the items")
    expect(question).to_contain_text("56.00 held by the platform goes to 湖南老农家")
    shot(page, "order-confirm-question-en-phone")
    assert Order.objects.get(pk=shipped.pk).status == Order.Status.SHIPPED
    with page.expect_navigation():
        page.click("[data-testid=confirm-receipt-yes]")
    expect(page.locator("[data-testid=order-status]")).to_have_text("Completed")

    # "contact the seller" opens the chat with the order's shop
    with page.expect_navigation():
        page.click("[data-testid=contact-seller]")
    assert re.search(r"/chats/\d+/$", page.url)
    assert Conversation.objects.get(buyer=buyer).shop_id == product.shop_id


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_screenshots_of_the_changed_pages(asgi_server, new_page, language):
    """Looked at by a person: each page at both sizes (the assertions only check they render)."""
    base = asgi_server.url
    product = farm_product()
    buyer = UserFactory(username=f"look-{language}")
    shipped = placed_shipped(buyer, product.skus.get(name="500 g 罐装"), 2)
    conversation, _ = conversation_start(buyer=buyer, shop=product.shop, product=product)
    message_send(user=buyer, conversation=conversation, text="辣不辣？")
    message_send(user=product.shop.owner, conversation=conversation, text="微辣，小孩也能吃。")
    lang = "zh" if language == "zh-CN" else "en"
    for size_name, size in [("phone", PHONE), ("desktop", DESKTOP)]:
        page = new_page(language=language, size=size)
        for name, path in [
            ("search-bad-filter", "/search/?min_price=50&max_price=10"),
            ("search-origin", "/search/?province=湖南"),
            ("not-found", "/no-such-page/"),
            ("product", f"/product/{product.pk}/"),
        ]:
            page.goto(base + path)
            shot(page, f"{name}-{lang}-{size_name}")
        page.goto(f"{base}/accounts/login/")
        log_in_here(page, buyer.username)
        for name, path in [
            ("order-detail", f"/orders/{shipped.number}/"),
            ("my-orders", "/orders/"),
            ("chat", f"/chats/{conversation.pk}/"),
            ("my-chats", "/chats/"),
            ("cart", "/cart/"),
        ]:
            page.goto(base + path)
            shot(page, f"{name}-{lang}-{size_name}")
        page.goto(f"{base}/product/{product.pk}/")
        shot(page, f"product-logged-in-{lang}-{size_name}")
        page.context.clear_cookies()
    assert (SHOTS / f"product-{lang}-desktop.png").exists()
