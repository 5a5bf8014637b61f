import io

import pytest
from PIL import Image

from catalog.models import Product, ProductImage, Sku
from tests.factories import ShopFactory, image_bytes, leaf_category, make_product, png_header_only, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(api_client):
    shop = ShopFactory()
    api_client.force_authenticate(shop.owner)
    return api_client, shop


def _new(category_id, **overrides):
    body = {
        "title": "手工五香豆腐干",
        "description": "石磨黄豆",
        "category": category_id,
        "status": "active",
        "skus": [{"name": "250 g", "price": "18.00", "stock": 200}, {"name": "500 g", "price": "32.50", "stock": 5}],
    }
    body.update(overrides)
    return body


def test_create_a_product_with_two_skus(seller):
    client, shop = seller
    response = client.post("/api/v1/seller/products/", _new(leaf_category("tofu").id), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [s["name"] for s in body["skus"]] == ["250 g", "500 g"]
    assert body["price_min"] == "18.00" and body["currency"] == "CNY"
    assert body["province"] == shop.province  # the origin defaults to the shop's
    assert body["status"] == "active" and body["visible"] is True
    public = client.get(f"/api/v1/products/{body['id']}/").json()
    assert public["skus"][1] == {
        "id": public["skus"][1]["id"],
        "name": "500 g",
        "price": "32.50",
        "currency": "CNY",
        "stock": 5,
    }


@pytest.mark.parametrize(
    "sku",
    [
        {"name": "a", "price": "-1.00", "stock": 1},
        {"name": "a", "price": "0", "stock": 1},
        {"name": "a", "price": "1.001", "stock": 1},
        {"name": "a", "price": "abc", "stock": 1},
        {"name": "a", "price": "NaN", "stock": 1},
        {"name": "a", "price": "1.00", "stock": -1},
        {"name": "a", "price": "1.00", "stock": 1.5},
        {"name": "a", "price": "1.00", "stock": 2**63},
        {"name": "", "price": "1.00", "stock": 1},
        {"name": "a", "price": 28, "stock": 1},  # a price is a decimal string (API.md), never a JSON number
        {"name": "a", "price": 9.9, "stock": 1},
        {"name": "a", "price": "1e2", "stock": 1},
        {"name": "a", "price": "1000000.01", "stock": 1},
    ],
)
def test_bad_skus_are_400_and_write_nothing(seller, sku):
    client, _shop = seller
    response = client.post("/api/v1/seller/products/", _new(leaf_category().id, skus=[sku]), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert not Product.objects.exists() and not Sku.objects.exists()


def test_a_product_needs_a_sku_and_a_real_category(seller):
    client, _shop = seller
    assert client.post("/api/v1/seller/products/", _new(leaf_category().id, skus=[]), format="json").status_code == 400
    assert client.post("/api/v1/seller/products/", _new(999999), format="json").status_code == 400


def test_client_cannot_choose_shop_sales_or_visibility(seller):
    client, shop = seller
    other = ShopFactory()
    response = client.post(
        "/api/v1/seller/products/",
        _new(leaf_category().id, shop=other.slug, sales=999, visible=True, price_min="0.01"),
        format="json",
    )
    assert response.status_code == 201
    product = Product.objects.get()
    assert product.shop == shop and product.sales_count == 0 and str(product.price_min) == "18.00"


def test_another_sellers_product_is_404_everywhere(seller):
    client, _shop = seller
    theirs = make_product()
    sku = theirs.skus.get()
    assert client.get(f"/api/v1/seller/products/{theirs.id}/").status_code == 404
    assert client.patch(f"/api/v1/seller/products/{theirs.id}/", {"title": "x"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/seller/products/{theirs.id}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/seller/products/{theirs.id}/skus/", {"name": "x", "price": "1.00", "stock": 1}, format="json"
        ).status_code
        == 404
    )
    assert client.patch(f"/api/v1/seller/skus/{sku.id}/", {"stock": 0}, format="json").status_code == 404
    assert (
        client.post(f"/api/v1/seller/products/{theirs.id}/images/", {"image": upload()}, format="multipart").status_code
        == 404
    )
    theirs.refresh_from_db()
    sku.refresh_from_db()
    assert theirs.title.startswith("湖南") and sku.stock == 10


def test_publish_and_delist(seller):
    client, shop = seller
    product = make_product(shop=shop, status=Product.Status.DRAFT)
    assert client.get(f"/api/v1/products/{product.id}/").status_code == 404
    response = client.patch(f"/api/v1/seller/products/{product.id}/", {"status": "active"}, format="json")
    assert response.status_code == 200
    assert client.get(f"/api/v1/products/{product.id}/").status_code == 200
    assert (
        client.patch(f"/api/v1/seller/products/{product.id}/", {"status": "delisted"}, format="json").status_code == 200
    )
    assert client.get(f"/api/v1/products/{product.id}/").status_code == 404


def test_sku_edit_changes_price_min_and_stock(seller):
    client, shop = seller
    product = make_product(shop=shop, skus=(("a", "28.00", 3), ("b", "50.00", 1)))
    sku = product.skus.order_by("id").last()
    response = client.patch(f"/api/v1/seller/skus/{sku.id}/", {"price": "20.00", "stock": 7}, format="json")
    assert response.status_code == 200 and response.json()["stock"] == 7
    assert client.get(f"/api/v1/products/{product.id}/").json()["price_min"] == "20.00"
    assert client.patch(f"/api/v1/seller/skus/{sku.id}/", {"stock": -5}, format="json").status_code == 400


def test_delete_an_unordered_product(seller):
    client, shop = seller
    product = make_product(shop=shop)
    assert client.delete(f"/api/v1/seller/products/{product.id}/").status_code == 204
    assert not Product.objects.filter(pk=product.id).exists()


def test_script_in_a_title_is_stored_as_text_and_escaped_on_the_page(seller, client):
    api, _shop = seller
    response = api.post(
        "/api/v1/seller/products/", _new(leaf_category().id, title="<script>alert(1)</script>萝卜"), format="json"
    )
    assert response.status_code == 201
    page = client.get(f"/product/{response.json()['id']}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;萝卜" in page


# --- photos ---------------------------------------------------------------------------------------


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (120, 90), (10, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "FarmPhone"  # Make
    exif[0x8825] = {1: "N", 2: (28.0, 14.0, 0.0), 3: "E", 4: (109.0, 43.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photo_upload_strips_exif_and_renames(seller, django_capture_on_commit_callbacks):
    client, shop = seller
    product = make_product(shop=shop)
    data = _jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif()  # the original has EXIF
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/seller/products/{product.id}/images/",
            {"image": upload("../../etc/my farm.jpg", data)},
            format="multipart",
        )
    assert response.status_code == 201, response.json()
    image = ProductImage.objects.get()
    assert "farm" not in image.image.name and ".." not in image.image.name
    with image.image.open("rb") as f:
        assert not Image.open(f).getexif()
    assert image.thumbnail  # made by the Celery task after commit (eager here)
    assert response.json()["url"].endswith(image.image.name.split("/")[-1])


@pytest.mark.parametrize(
    "name,data,code,status",
    [
        ("really-a-gif.jpg", image_bytes("GIF"), "invalid_image", 400),
        (
            "drawing.png",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "invalid_image",
            400,
        ),
        ("empty.jpg", b"", "validation_error", 400),
        ("text.jpg", b"hello, not an image", "invalid_image", 400),
        ("truncated.jpg", image_bytes("JPEG", size=(400, 400))[:300], "invalid_image", 400),
        ("huge.png", png_header_only(20000, 20000), "too_large", 413),
        ("wide.png", png_header_only(9000, 100), "too_large", 413),
    ],
)
def test_bad_photos_are_refused_and_nothing_is_stored(seller, name, data, code, status):
    client, shop = seller
    product = make_product(shop=shop)
    response = client.post(
        f"/api/v1/seller/products/{product.id}/images/", {"image": upload(name, data)}, format="multipart"
    )
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert not ProductImage.objects.exists()


def test_a_30_mb_upload_is_413(seller):
    client, shop = seller
    product = make_product(shop=shop)
    data = image_bytes("JPEG") + b"\0" * (30 * 1024 * 1024)
    response = client.post(
        f"/api/v1/seller/products/{product.id}/images/", {"image": upload("big.jpg", data)}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert not ProductImage.objects.exists()


def test_photos_can_be_reordered(seller):
    client, shop = seller
    product = make_product(shop=shop)
    ids = [
        client.post(f"/api/v1/seller/products/{product.id}/images/", {"image": upload()}, format="multipart").json()[
            "id"
        ]
        for _ in range(3)
    ]
    response = client.post(f"/api/v1/seller/products/{product.id}/images/order/", {"order": ids[::-1]}, format="json")
    assert response.status_code == 200
    assert [i["id"] for i in client.get(f"/api/v1/products/{product.id}/").json()["images"]] == ids[::-1]
    assert (
        client.post(
            f"/api/v1/seller/products/{product.id}/images/order/", {"order": ids[:1]}, format="json"
        ).status_code
        == 400
    )


PRICES = ["28.00", "9.9", "0.01", ".5", "007.50", "1000000", "1000000.00", "999999.99"]
NOT_PRICES = ["0", "0.00", "-1", "+5", "1e2", " 5", "5 ", "1.", "1.001", "1000000.01", "abc", "NaN", "1_000", "１２"]


def test_the_schema_states_the_price_rule_the_service_enforces(seller):
    """The SKU price's pattern in the OpenAPI schema is the service's own: what one accepts, so does the other."""
    import re

    import yaml

    client, _shop = seller
    schema = yaml.safe_load(client.get("/api/schema/").content)
    price = schema["components"]["schemas"]["SkuInputRequest"]["properties"]["price"]
    assert price["type"] == "string"
    pattern = re.compile(price["pattern"])
    product = make_product(shop=_shop)
    for value in PRICES + NOT_PRICES:
        response = client.post(
            f"/api/v1/seller/products/{product.pk}/skus/", {"name": value, "price": value, "stock": 1}, format="json"
        )
        assert (response.status_code == 201) is bool(pattern.search(value)) is (value in PRICES), value


def test_an_unknown_status_filter_is_400_not_everything(seller):
    client, shop = seller
    make_product(shop=shop)
    response = client.get("/api/v1/seller/products/", {"status": "AAA"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]
    assert client.get("/api/v1/seller/products/", {"status": "active"}).json()["count"] == 1
    assert client.get("/api/v1/seller/products/", {"q": "x" * 101}).status_code == 400
