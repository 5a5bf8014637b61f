"""The shop's pages in headless Chromium, on the demo data: they must look like a shop people trust."""

import pytest

from catalog.models import Product
from conftest import browser_login, screenshot
from marketplace.demo import DEMO_PASSWORD, demo_users_ensure
from marketplace.demo_catalog import demo_shops_ensure
from shops.models import Shop
from tests.factories import leaf_category

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_world():
    leaf_category()
    demo_users_ensure()
    demo_shops_ensure()
    return {
        "farm": Shop.objects.get(owner__username="farmer"),
        "radish": Product.objects.get(title__startswith="湖南农家腌萝卜"),
    }


def test_public_pages_in_chinese_on_a_phone(asgi_server, new_page, demo_world):
    page = new_page(language="zh-CN")
    page.goto(asgi_server.url + "/")
    assert page.locator("[data-testid=product-card]").count() >= 6
    screenshot(page, "home-zh")

    page.goto(f"{asgi_server.url}/shop/{demo_world['farm'].slug}/")
    assert page.locator("[data-testid=shop-name]").inner_text() == "湖南老农家"
    screenshot(page, "shop-zh")

    page.goto(f"{asgi_server.url}/product/{demo_world['radish'].id}/")
    assert "湖南农家腌萝卜" in page.locator("[data-testid=product-title]").inner_text()
    assert page.locator("#sku-price-from").is_visible()  # several SKUs: "¥28.00 起"
    page.locator(".sku-option").nth(1).click()
    assert page.locator("#sku-price").inner_text() == "¥50.00"
    assert page.locator("#sku-price-from").is_hidden()  # the chosen SKU's own price, not "from"
    screenshot(page, "product-zh")

    page.fill("form[role=search] input[name=q]", "luobo")
    with page.expect_navigation():
        page.press("form[role=search] input[name=q]", "Enter")
    cards = page.locator("[data-testid=product-card]")
    assert cards.count() == 1 and "腌萝卜" in cards.first.inner_text()
    screenshot(page, "search-zh")


def test_public_pages_in_english_on_a_desktop(asgi_server, new_page, demo_world):
    page = new_page(language="en", mobile=False)
    page.goto(asgi_server.url + "/")
    screenshot(page, "home-en-desktop")
    page.goto(f"{asgi_server.url}/search/?q=radish")
    assert page.locator("[data-testid=product-card]").count() == 1
    page.goto(f"{asgi_server.url}/product/{demo_world['radish'].id}/")
    screenshot(page, "product-en-desktop")


def test_seller_center_pages(asgi_server, new_page, demo_world):
    page = new_page(language="zh-CN")
    browser_login(page, asgi_server.url, "farmer", DEMO_PASSWORD)
    page.goto(asgi_server.url + "/seller/")
    screenshot(page, "seller-dashboard-zh")
    page.goto(asgi_server.url + "/seller/products/")
    assert page.locator("[data-testid=seller-product]").count() == 4
    screenshot(page, "seller-products-zh")
    page.goto(asgi_server.url + "/seller/products/new/")
    screenshot(page, "seller-product-form-zh")
