"""The seller's product pages: several SKUs at once, a spec that makes its SKUs, a category picker that
starts empty, the cover photo, SKU tables whose headers sit over their inputs, bulk actions."""

from __future__ import annotations

import re

import pytest

from catalog.models import Product, ProductImage, Sku
from catalog.services import product_image_add
from tests.factories import ShopFactory, image_bytes, leaf_category, make_product, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller_client(client):
    shop = ShopFactory()
    client.force_login(shop.owner)
    client.shop = shop
    return client


def _form(category_id, **extra) -> dict:
    return {
        "title": "农家腊肠",
        "category": category_id,
        "description": "",
        "province": "湖南",
        "city": "湘西",
        "village": "",
        "publish": "on",
        "sku-TOTAL_FORMS": "3",
        "sku-INITIAL_FORMS": "0",
        "sku-MIN_NUM_FORMS": "0",
        "sku-MAX_NUM_FORMS": "50",
        **extra,
    }


def test_a_new_product_offers_several_sku_rows_and_saves_them_at_once(seller_client):
    category = leaf_category()
    page = seller_client.get("/seller/products/new/").content.decode()
    assert page.count('data-testid="sku-line"') == 3 + 1  # three rows, and the template for more

    rows = {}
    for i, (name, price, stock) in enumerate([("250 g", "18.00", 10), ("500 g", "32.00", 5), ("1 kg", "60.00", 2)]):
        rows |= {f"sku-{i}-name": name, f"sku-{i}-price": price, f"sku-{i}-stock": stock}
    response = seller_client.post("/seller/products/new/", _form(category.id, **rows))

    assert response.status_code == 302
    product = Product.objects.get(shop=seller_client.shop)
    assert list(product.skus.order_by("sort_order").values_list("name", flat=True)) == ["250 g", "500 g", "1 kg"]


def test_a_two_dimension_spec_generates_its_skus(seller_client):
    category = leaf_category()
    data = _form(
        category.id,
        generate_skus="1",
        **{"spec-first": "500 g, 1 kg", "spec-second": "微辣，特辣", "spec-price": "28.00", "spec-stock": "10"},
    )

    page = seller_client.post("/seller/products/new/", data).content.decode()

    names = re.findall(r'name="sku-\d+-name" value="([^"]*)"', page)
    assert names == ["500 g / 微辣", "500 g / 特辣", "1 kg / 微辣", "1 kg / 特辣"]
    assert not Product.objects.exists()  # generating saves nothing
    assert 'value="农家腊肠"' in page  # what was typed stays

    rows = {f"sku-{i}-{k}": v for i, n in enumerate(names) for k, v in (("name", n), ("price", "28"), ("stock", "10"))}
    seller_client.post("/seller/products/new/", _form(category.id, **rows, **{"sku-TOTAL_FORMS": "4"}))
    assert Sku.objects.filter(product__shop=seller_client.shop).count() == 4


def test_a_spec_with_too_many_combinations_is_refused_in_the_page(seller_client):
    data = _form(
        leaf_category().id,
        generate_skus="1",
        **{"spec-first": ",".join(str(i) for i in range(10)), "spec-second": ",".join("abcdef")},
    )
    page = seller_client.post("/seller/products/new/", data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At most 50 SKUs: this spec makes 60." in page
    assert not Product.objects.exists()


def test_the_category_picker_starts_empty_and_a_category_is_required(seller_client):
    page = seller_client.get("/seller/products/new/").content.decode()
    select = re.search(r'<select name="category".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="" selected>', select)
    assert "data-category-picker" in select

    response = seller_client.post("/seller/products/new/", _form("", **{"sku-0-name": "500 g"}))
    assert response.status_code == 200 and not Product.objects.exists()


def test_each_listed_product_has_an_edit_button(seller_client):
    """Not only its title as a link: on a phone the title is easy to miss as the way to edit."""
    product = make_product(shop=seller_client.shop, skus=(("500 g", "28.00", 10),))
    page = seller_client.get("/seller/products/").content.decode()
    edit = f'href="/seller/products/{product.pk}/edit/" data-testid="edit-product">编辑</a>'
    assert edit in page


def test_sku_tables_have_one_cell_under_each_header(seller_client):
    product = make_product(shop=seller_client.shop, skus=(("500 g", "28.00", 10), ("1 kg", "50.00", 3)))

    for url in ("/seller/products/", f"/seller/products/{product.pk}/edit/"):
        page = seller_client.get(url).content.decode()
        table = re.search(r'<table class="(?:sku-table|table sku-list stack)".*?</table>', page, re.S).group(0)
        headers = len(re.findall(r"<th\b", table))
        rows = re.findall(r"<tr\b[^>]*data-testid=\"(?:sku-line|sku-list-row)\".*?</tr>", table, re.S)
        assert rows, url
        for row in rows:
            assert "colspan" not in row
            assert len(re.findall(r"<td\b", row)) == headers, url


def test_inline_sku_edit_on_the_list_still_saves(seller_client):
    product = make_product(shop=seller_client.shop, skus=(("500 g", "28.00", 10),))
    sku = product.skus.get()
    seller_client.post(f"/seller/skus/{sku.pk}/", {"price": "30.00", "stock": "7"})
    sku.refresh_from_db()
    assert (str(sku.price), sku.stock) == ("30.00", 7)


def test_a_photo_is_made_the_cover(seller_client):
    product = make_product(shop=seller_client.shop)
    images = [
        product_image_add(product=product, upload=upload(f"{i}.jpg", image_bytes(colour=(i * 80, 0, 0))))
        for i in range(3)
    ]

    response = seller_client.post(f"/seller/images/{images[2].pk}/cover/")

    assert response.status_code == 302
    order = list(ProductImage.objects.filter(product=product).order_by("position").values_list("pk", flat=True))
    assert order == [images[2].pk, images[0].pk, images[1].pk]
    page = seller_client.get(f"/seller/products/{product.pk}/edit/").content.decode()
    assert re.search(rf'class="photo is-cover" data-testid="photo" data-image="{images[2].pk}"', page)


def test_photos_keep_the_order_they_are_uploaded_in(seller_client):
    category = leaf_category()
    photos = [upload(f"p{i}.jpg", image_bytes(size=(40 + i, 30))) for i in range(3)]
    seller_client.post(
        "/seller/products/new/",
        _form(category.id, **{"sku-0-name": "500 g", "sku-0-price": "9", "sku-0-stock": "1"}, photos=photos),
    )
    widths = list(ProductImage.objects.order_by("position").values_list("width", flat=True))
    assert widths == [40, 41, 42]


def test_bulk_publish_delist_and_set_stock(seller_client):
    shop = seller_client.shop
    drafts = [make_product(shop=shop, status=Product.Status.DRAFT) for _ in range(3)]
    ids = [p.pk for p in drafts]

    seller_client.post("/seller/products/bulk/", {"action": "publish", "products": ids[:2]})
    assert [p.status for p in Product.objects.filter(pk__in=ids).order_by("pk")] == ["active", "active", "draft"]

    seller_client.post("/seller/products/bulk/", {"action": "stock", "stock": "42", "products": ids})
    assert set(Sku.objects.filter(product__in=ids).values_list("stock", flat=True)) == {42}

    seller_client.post("/seller/products/bulk/", {"action": "delist", "products": ids[:1]})
    assert Product.objects.get(pk=ids[0]).status == "delisted"


def test_bulk_actions_on_another_shops_product_change_nothing(seller_client):
    mine = make_product(shop=seller_client.shop, status=Product.Status.DRAFT)
    theirs = make_product(shop=ShopFactory(), status=Product.Status.DRAFT)

    response = seller_client.post("/seller/products/bulk/", {"action": "publish", "products": [mine.pk, theirs.pk]})

    assert response.status_code == 404
    assert set(Product.objects.values_list("status", flat=True)) == {"draft"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "publish"}, "Choose at least one product."),
        ({"action": "stock", "stock": "-1"}, None),
        ({"action": "stock", "stock": "many"}, None),
        ({"action": "burn"}, "Choose publish or delist."),
        ({"action": "publish", "products": ["x"]}, "Choose products from the list."),
    ],
    ids=["no-products", "negative-stock", "text-stock", "unknown-action", "bad-id"],
)
def test_bulk_bad_input_is_explained_and_changes_nothing(seller_client, data, message):
    product = make_product(shop=seller_client.shop, status=Product.Status.DRAFT, skus=(("500 g", "28.00", 10),))
    if "stock" in data:
        data = {**data, "products": [product.pk]}

    response = seller_client.post("/seller/products/bulk/", data, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown and (message is None or message in shown[0])
    product.refresh_from_db()
    assert product.status == "draft" and product.skus.get().stock == 10


def test_a_price_the_form_reads_as_a_number_is_saved_however_it_was_typed(seller_client):
    """The form's price field reads "1e2" and " 9.5 " as numbers: the service takes those numbers as they are
    (the API's stricter decimal-string rule is for JSON, where a string is what was sent)."""
    rows = {"sku-0-name": "500 g", "sku-0-price": "1e2", "sku-0-stock": "1"}
    rows |= {"sku-1-name": "1 kg", "sku-1-price": " 9.5 ", "sku-1-stock": "1"}
    response = seller_client.post("/seller/products/new/", _form(leaf_category().id, **rows))

    assert response.status_code == 302
    prices = Sku.objects.filter(product__shop=seller_client.shop).order_by("sort_order").values_list("price", flat=True)
    assert [str(p) for p in prices] == ["100.00", "9.50"]
