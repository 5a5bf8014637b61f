"""The buyer journey in a real browser: two shops, one payment in the sandbox, both sellers ship, one
order confirmed by the buyer, the other by the auto-confirm task when the clock moves forward."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import browser_login, screenshot
from orders.models import Order
from orders.services.lifecycle import orders_auto_confirm_due
from tests.factories import PASSWORD, ShopFactory, UserFactory, sku_in_shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_to_cart(page, base: str, sku, quantity: int) -> None:
    """Through the product page's form, as a buyer would."""
    page.goto(base + reverse("product", kwargs={"product_id": sku.product_id}))
    page.check(f"input[name=sku][value='{sku.pk}']")
    page.fill("input[name=quantity]", str(quantity))
    with page.expect_navigation():
        # a phone has the bottom bar's button; a wider screen the one under the SKUs
        page.locator("[data-testid=add-to-cart], [data-testid=bar-add-to-cart]").locator("visible=true").click()


def test_two_shops_one_payment_ship_confirm_and_auto_confirm(asgi_server, new_page):
    base = asgi_server.url
    farm = ShopFactory(name="湖南老农家", slug="laonongjia")
    workshop = ShopFactory(name="东风村木艺", slug="dongfeng-wood")
    radish = sku_in_shop(farm, price="28.00", stock=20)
    stool = sku_in_shop(workshop, price="89.00", stock=5)
    buyer = UserFactory(username="xiaoming")

    # the buyer fills the cart from two shops and checks out
    page = new_page(language="en")
    browser_login(page, base, buyer.username, PASSWORD)
    add_to_cart(page, base, radish, 2)
    add_to_cart(page, base, stool, 1)
    page.goto(base + "/cart/")
    assert page.locator("[data-testid=cart-shop]").count() == 2
    assert page.locator("#cart-badge").inner_text() == "3"  # two jars of radish and a stool
    screenshot(page, "orders-cart")

    with page.expect_navigation():
        page.click("[data-testid=go-checkout]")
    page.fill("input[name=name]", "王小明")
    page.fill("input[name=phone]", "138 0000 0000")
    page.fill("input[name=province]", "湖北")
    page.fill("input[name=city]", "武汉")
    page.fill("input[name=line]", "洪山区珞喻路 100 号 3 栋 502")
    assert "145.00" in page.locator("[data-testid=checkout-total]").inner_text()
    screenshot(page, "orders-checkout")
    with page.expect_navigation():
        page.click("[data-testid=place-order]")

    # one payment for both orders, approved in the sandbox
    assert "/pay/sandbox/" in page.url
    assert "145.00" in page.locator("[data-testid=pay-amount]").inner_text()
    screenshot(page, "orders-sandbox-pay")
    with page.expect_navigation():
        page.click("[data-testid=approve-payment]")
    assert page.url.endswith("/orders/")
    assert page.locator("[data-testid=order-card][data-status=paid]").count() == 2
    screenshot(page, "orders-my-orders-paid")

    # both sellers ship from the seller center
    for shop, tracking in [(farm, "SF1400023567"), (workshop, "ZTO7731650029")]:
        seller_page = new_page(language="en", mobile=False)
        browser_login(seller_page, base, shop.owner.username, PASSWORD)
        seller_page.goto(base + "/seller/orders/?status=paid")
        form = seller_page.locator("[data-testid=ship-form]")
        assert form.count() == 1
        other = form.locator("input[name=carrier_other]")
        form.locator("select[name=carrier]").select_option(value="")  # "other carrier": a box for its name
        assert other.is_visible()
        form.locator("select[name=carrier]").select_option(index=0)  # the first common carrier: no such box
        assert other.is_hidden()
        form.locator("input[name=tracking_number]").fill(tracking)
        if shop == farm:
            screenshot(seller_page, "orders-seller-to-ship")
        with seller_page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert seller_page.locator(".messages li.success").count() == 1
    assert set(Order.objects.values_list("status", flat=True)) == {"shipped"}

    # the buyer confirms the farm's order
    page.goto(base + "/orders/?status=shipped")
    farm_order = Order.objects.get(shop=farm)
    card = page.locator(f"[data-testid=order-card][data-number='{farm_order.number}']")
    card.locator("[data-testid=confirm-receipt]").click()  # asks first: the money goes to the seller
    assert "goes to 湖南老农家" in card.locator(".confirm-box").inner_text()
    assert Order.objects.get(pk=farm_order.pk).status == "shipped"
    with page.expect_navigation():
        card.locator("[data-testid=confirm-receipt-yes]").click()

    # ... and the workshop's confirms itself when the clock passes auto_confirm_at
    assert orders_auto_confirm_due(now=timezone.now() + timedelta(days=10, minutes=1)) == 1
    page.goto(base + "/orders/")
    assert page.locator("[data-testid=order-card][data-status=completed]").count() == 2
    screenshot(page, "orders-my-orders-completed")

    workshop_order = Order.objects.get(shop=workshop)
    page.goto(base + f"/orders/{workshop_order.number}/")
    timeline = page.locator("[data-testid=timeline]").inner_text()
    for step in ["Order placed", "Paid", "Shipped", "Receipt confirmed"]:
        assert step in timeline
    assert "automatically" in timeline
    screenshot(page, "orders-detail-timeline")
