"""The seller center in headless Chromium (issue 18 items 6-10): the dashboard's counters match the shop's
data and lead to their lists; a product is listed with a searched category, several SKUs and photos put
in order before upload; screenshots of every seller page at 1366×900 and 390×844, in zh-Hans and English."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from catalog.models import Product, ProductImage
from catalog.services import product_image_add
from chat.models import Conversation
from conftest import SCREENSHOTS, browser_login
from orders.services.lifecycle import order_confirm_receipt
from orders.services.refunds import refund_request_create
from orders.services.reviews import review_create
from orders.tests.helpers import placed_paid, placed_shipped
from payments.services.payout_accounts import payout_account_set
from tests.factories import (
    PASSWORD,
    ProductFactory,
    ShopFactory,
    SkuFactory,
    UserFactory,
    image_bytes,
    leaf_category,
    sku_in_shop,
    upload,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = {"zh": "zh-CN", "en": "en"}


def shot(page, name: str) -> Path:
    folder = SCREENSHOTS / "seller"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def busy_shop():
    """A farm with 2 orders to ship, 1 refund request waiting, 3 unread messages, 2 SKUs low on stock and
    1 review to answer; another shop whose to-dos must not show."""
    leaf_category()
    shop = ShopFactory(name="湖南老农家", commission_rate=Decimal("0.05"))
    shop.logo.save("logo.png", ContentFile(image_bytes("PNG", size=(96, 96), colour=(230, 120, 40))), save=False)
    shop.banner.save("banner.jpg", ContentFile(image_bytes(size=(800, 200), colour=(90, 150, 70))), save=False)
    shop.save()
    shop.owner.email = "farmer@example.com"
    shop.owner.save(update_fields=["email"])
    buyer = UserFactory(username="wangxm")
    radish = sku_in_shop(shop, price="28.00", stock=100)
    radish.product.title = "湖南农家腌萝卜"
    radish.product.save(update_fields=["title"])
    for i in range(3):
        product_image_add(
            product=radish.product, upload=upload(f"r{i}.jpg", image_bytes(colour=(200, 60 + 40 * i, 40)))
        )
    placed_paid(buyer, radish, 1)
    placed_paid(buyer, radish, 2)
    refunding = placed_shipped(buyer, radish, 1)
    refund_request_create(order_id=refunding.pk, buyer=buyer, reason="罐子碎了")
    done = placed_shipped(buyer, radish, 3)
    order_confirm_receipt(order_id=done.pk, actor=buyer)
    review_create(
        order_id=done.pk,
        buyer=buyer,
        line_id=done.lines.get().pk,
        rating=5,
        as_described=5,
        communication=5,
        shipping=5,
    )
    SkuFactory(product=ProductFactory(shop=shop, title="农家腊肠"), name="500 g", stock=2)
    SkuFactory(product=ProductFactory(shop=shop, title="五香豆腐干"), name="250 g", stock=0)
    Conversation.objects.create(buyer=buyer, shop=shop, shop_unread=3)
    payout_account_set(
        shop_id=shop.pk,
        actor=shop.owner,
        kind="card",
        holder_name="王大山",
        bank_name="中国农业银行 湘西分行",
        account_number="6228480402564890018",
    )
    other = ShopFactory()
    placed_paid(buyer, sku_in_shop(other, stock=1), 1)
    Conversation.objects.create(buyer=UserFactory(), shop=other, shop_unread=9)
    return shop


def _count(page, testid: str) -> str:
    return page.locator(f"[data-testid={testid}] .num").inner_text().strip()


def test_dashboard_counters_match_the_seeded_data_and_lead_to_their_lists(asgi_server, new_page, busy_shop):
    page = new_page(language="en", mobile=False)
    page.set_viewport_size(SIZES["desktop"])
    browser_login(page, asgi_server.url, busy_shop.owner.username, PASSWORD)
    page.goto(asgi_server.url + "/seller/")

    assert _count(page, "todo-to-ship") == "2"
    assert _count(page, "todo-refunds") == "1"
    assert _count(page, "todo-chats") == "3"
    assert _count(page, "todo-low-stock") == "2"
    assert _count(page, "todo-reviews") == "1"
    assert page.locator("[data-testid=today-orders]").inner_text() == "4"
    assert page.locator("[data-testid=today-sales]").inner_text() == "¥196.00"
    assert page.locator("[data-testid=badge-orders]").inner_text() == "3"
    assert page.locator("[data-testid=badge-products]").inner_text() == "2"

    page.click("[data-testid=todo-to-ship]")
    assert page.locator("[data-testid=seller-order]").count() == 2
    assert page.locator("[data-testid=ship-form]").count() == 2
    page.goto(asgi_server.url + "/seller/")
    page.click("[data-testid=todo-refunds]")
    assert page.locator("[data-testid=seller-order]").count() == 1
    assert page.locator("[data-testid=refund-request]").is_visible()
    page.goto(asgi_server.url + "/seller/")
    page.click("[data-testid=todo-low-stock]")
    titles = page.locator("[data-testid=seller-product] strong").all_inner_texts()
    assert sorted(titles) == ["五香豆腐干", "农家腊肠"]


def test_list_a_product_with_a_searched_category_several_skus_and_ordered_photos(
    asgi_server, new_page, busy_shop, tmp_path
):
    page = new_page(language="zh-CN", mobile=True)
    browser_login(page, asgi_server.url, busy_shop.owner.username, PASSWORD)
    page.goto(asgi_server.url + "/seller/products/new/")

    assert page.locator("select[name=category]").input_value() == ""  # starts empty
    category = leaf_category()
    page.fill("[data-testid=category-search]", category.name)
    assert page.locator("select[name=category]").input_value() == str(category.pk)  # the one match is chosen

    page.fill("input[name=title]", "湘西腊肉")
    page.click("[data-testid=add-sku-row]")
    assert page.locator("#sku-rows [data-testid=sku-line]").count() == 4
    for i, (name, price, stock) in enumerate(
        [("250 g", "25", "10"), ("500 g", "45", "8"), ("1 kg", "85", "4"), ("2 kg", "160", "2")]
    ):
        page.fill(f"input[name='sku-{i}-name']", name)
        page.fill(f"input[name='sku-{i}-price']", price)
        page.fill(f"input[name='sku-{i}-stock']", stock)

    files = []
    for i, width in enumerate((40, 41, 42)):
        path = tmp_path / f"photo{i}.jpg"
        path.write_bytes(image_bytes(size=(width, 30)))
        files.append(str(path))
    page.set_input_files("input[name=photos]", files)
    previews = page.locator("[data-testid=photo-preview-item]")
    assert previews.count() == 3
    previews.nth(2).locator("[data-testid=preview-cover]").click()  # the third becomes the cover
    assert page.locator("[data-testid=photo-preview-item]").first.get_attribute("data-name") == "photo2.jpg"
    shot(page, "product-form-filled-zh-phone")

    with page.expect_navigation():
        page.click("[data-testid=save-product]")

    product = Product.objects.get(title="湘西腊肉")
    assert list(product.skus.order_by("sort_order").values_list("name", flat=True)) == [
        "250 g",
        "500 g",
        "1 kg",
        "2 kg",
    ]
    assert list(ProductImage.objects.filter(product=product).order_by("position").values_list("width", flat=True)) == [
        42,
        40,
        41,
    ]

    # bulk: delist the new product and the sausage from the list
    page.goto(asgi_server.url + "/seller/products/")
    for title in ("湘西腊肉", "农家腊肠"):
        page.locator("[data-testid=seller-product]", has_text=title).locator("[data-testid=bulk-pick]").check()
    page.select_option("[data-testid=bulk-action]", "delist")
    with page.expect_navigation():
        page.click("[data-testid=bulk-apply]")
    assert set(Product.objects.filter(title__in=["湘西腊肉", "农家腊肠"]).values_list("status", flat=True)) == {
        "delisted"
    }


SELLER_PAGES = {
    "dashboard": "/seller/",
    "products": "/seller/products/",
    "product-new": "/seller/products/new/",
    "product-edit": None,  # the radish's edit page
    "orders": "/seller/orders/",
    "orders-refunds": "/seller/orders/?refund=open",
    "packing-slip": None,
    "money": "/seller/money/",
    "bank-account": "/seller/money/bank-account/",
    "settings": "/seller/settings/",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_every_seller_page(asgi_server, new_page, busy_shop, language, size):
    from orders.models import Order

    product = Product.objects.get(title="湖南农家腌萝卜")
    order = Order.objects.filter(shop=busy_shop, status="paid").first()
    page = new_page(language=LANGUAGES[language], mobile=size == "phone")
    page.set_viewport_size(SIZES[size])
    browser_login(page, asgi_server.url, busy_shop.owner.username, PASSWORD)
    for name, url in SELLER_PAGES.items():
        url = (
            url
            or {
                "product-edit": f"/seller/products/{product.pk}/edit/",
                "packing-slip": f"/seller/orders/{order.number}/packing-slip/",
            }[name]
        )
        response = page.goto(asgi_server.url + url)
        assert response.status == 200, name
        # nothing wider than the screen: no sideways scrolling on a phone
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, (name, overflow)
        shot(page, f"{name}-{language}-{size}")
