"""The bell in a real browser: the buyer's unread count rises live when the seller ships."""

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from conftest import browser_login, screenshot
from orders.services.lifecycle import order_ship
from orders.tests.helpers import placed_paid
from tests.factories import PASSWORD, ShopFactory, UserFactory, sku_in_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bell_count_rises_when_the_seller_ships(asgi_server, new_page):
    shop = ShopFactory()
    buyer = UserFactory(username="xiaoming")
    order = placed_paid(buyer, sku_in_shop(shop))

    page = new_page(language="zh-CN")
    browser_login(page, asgi_server.url, "xiaoming", PASSWORD)
    page.goto(f"{asgi_server.url}/orders/{order.number}/")
    badge = page.locator("#notif-badge")
    assert badge.get_attribute("data-count") == "0"
    page.wait_for_timeout(500)  # the bell's socket is open

    # the seller ships from another thread (Playwright's event loop owns this one)
    def ship():
        try:
            order_ship(order_id=order.pk, actor=shop.owner, carrier="顺丰", tracking_number="SF1234567890")
        finally:
            connection.close()

    seller = threading.Thread(target=ship)
    seller.start()
    seller.join(20)

    # A locator's assertion, not wait_for_function with an expression: Playwright polls an expression with
    # eval() in the page, which the site's CSP refuses (a page error) whenever the count is not there at once.
    expect(badge).to_have_attribute("data-count", "1", timeout=10_000)
    assert page.locator(".toast").inner_text().startswith(f"你的订单 {order.number} 已发货")
    screenshot(page, "bell-after-shipping-zh")
    page.click("[data-testid=nav-bell]")
    assert "顺丰 SF1234567890" in page.locator("[data-testid=notification]").first.inner_text()
