"""Issue 3's journey through the real pages: open a shop, approval, list a product, found by anyone."""

import pytest

from catalog.models import Product
from shops.models import Shop
from tests.factories import PASSWORD, OperatorFactory, UserFactory, image_bytes, leaf_category, upload

pytestmark = pytest.mark.django_db


def test_open_shop_approve_list_and_find(client):
    seller = UserFactory(username="laonong")
    OperatorFactory(username="op")  # logs in below
    pickles = leaf_category("pickles")

    # a new user opens a shop from the web form
    client.login(username="laonong", password=PASSWORD)
    response = client.post(
        "/shop/open/",
        {
            "name": "湖南老农家",
            "province": "湖南",
            "city": "湘西",
            "description": "奶奶的手艺",
            "logo": upload("logo.png", image_bytes("PNG"), "image/png"),
        },
    )
    assert response.status_code == 302
    shop = Shop.objects.get(owner=seller)
    assert shop.status == Shop.Status.PENDING and shop.logo

    # the seller lists a product with two SKUs and three photos from the seller center, before approval
    form = {
        "title": "湖南农家腌萝卜 Hunan Pickled Radish",
        "category": pickles.id,
        "description": "酸辣爽脆",
        "province": "湖南",
        "city": "湘西",
        "village": "石板村",
        "publish": "on",
        "sku-TOTAL_FORMS": "2",
        "sku-INITIAL_FORMS": "0",
        "sku-MIN_NUM_FORMS": "0",
        "sku-MAX_NUM_FORMS": "50",
        "sku-0-name": "500 g 罐装",
        "sku-0-price": "28.00",
        "sku-0-stock": "120",
        "sku-1-name": "1 kg 罐装",
        "sku-1-price": "50.00",
        "sku-1-stock": "60",
        "photos": [upload(f"p{i}.jpg", image_bytes(colour=(i * 60, 90, 40))) for i in range(3)],
    }
    # a bad price and no title: the page says so at its top (the fields' own errors are far below on a phone)
    refused = client.post("/seller/products/new/", {**form, "title": "", "sku-0-price": "-1", "photos": []})
    assert refused.status_code == 200 and not Product.objects.filter(shop=shop).exists()
    page = refused.content.decode()
    assert "未保存：请修改下面标出的内容。" in page
    assert page.index("未保存") < page.index('class="errorlist"')
    response = client.post("/seller/products/new/", form)
    assert response.status_code == 302, response.context and response.context["form"].errors
    product = Product.objects.get(shop=shop)
    assert product.skus.count() == 2 and product.images.count() == 3
    assert product.status == Product.Status.ACTIVE and not product.visible  # shop not approved yet
    client.logout()
    assert client.get(f"/product/{product.id}/").status_code == 404

    # an operator approves the shop in Django admin
    client.login(username="op", password=PASSWORD)
    response = client.post("/admin/shops/shop/", {"action": "approve_shops", "_selected_action": [shop.id]})
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.status == Shop.Status.APPROVED
    client.logout()

    # a signed-out visitor finds it by a Chinese word, by pinyin and by category, on the page and the API
    for params in ({"q": "萝卜"}, {"q": "luobo"}, {"category": pickles.parent_id}):
        page = client.get("/search/", params).content.decode()
        assert f"/product/{product.id}/" in page, params
        api = client.get("/api/v1/products/", params).json()
        assert [p["id"] for p in api["results"]] == [product.id], params
    page = client.get(f"/product/{product.id}/").content.decode()
    assert (
        "500 g 罐装" in page and "1 kg 罐装" in page and page.count('<button type="button" class="gallery-thumb') == 3
    )


def test_seller_center_needs_login_and_a_shop(client):
    assert client.get("/seller/").status_code == 302
    UserFactory(username="noshop")
    client.login(username="noshop", password=PASSWORD)
    response = client.get("/seller/products/")
    assert response.status_code == 302 and response["Location"].endswith("/shop/open/")


def test_seller_pages_are_404_for_another_sellers_product(client):
    from tests.factories import ShopFactory, make_product

    mine = ShopFactory()
    theirs = make_product()
    client.force_login(mine.owner)
    assert client.get(f"/seller/products/{theirs.id}/edit/").status_code == 404
    sku = theirs.skus.get()
    assert client.post(f"/seller/skus/{sku.id}/", {"stock": "0"}).status_code == 404
    sku.refresh_from_db()
    assert sku.stock == 10


def test_inline_stock_and_price_change(client):
    from tests.factories import make_product

    product = make_product()
    client.force_login(product.shop.owner)
    sku = product.skus.get()
    response = client.post(
        f"/seller/skus/{sku.id}/", {"stock": "77", "price": "30.00", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and "evil" not in response["Location"]
    sku.refresh_from_db()
    assert sku.stock == 77 and str(sku.price) == "30.00"
    client.post(f"/seller/skus/{sku.id}/", {"stock": "-3"})
    sku.refresh_from_db()
    assert sku.stock == 77
    assert leaf_category() is not None


def test_an_unapproved_shop_is_previewed_by_its_owner_only(client, django_assert_max_num_queries):
    from tests.factories import ShopFactory, make_product

    shop = ShopFactory(status=Shop.Status.PENDING)
    for i in range(5):
        make_product(shop=shop, title=f"腌萝卜 {i}")
    assert client.get(f"/shop/{shop.slug}/").status_code == 404
    client.force_login(shop.owner)
    with django_assert_max_num_queries(20):
        page = client.get(f"/shop/{shop.slug}/")
    assert page.status_code == 200 and page.content.decode().count('data-testid="product-card"') == 5
