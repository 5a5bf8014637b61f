"""Reviews through the real URLs: who may review what and when, the seller's single reply, the public list."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from catalog.models import Product
from orders.models import Review
from orders.services.lifecycle import order_confirm_receipt, order_ship
from orders.tests.helpers import pay, place, placed_paid, placed_shipped
from orders.tests.reviews.helpers import REVIEW, completed
from shops.models import Shop
from tests.clients import client_for
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm():
    return ShopFactory(name="湖南老农家")


@pytest.fixture
def buyer():
    return UserFactory()


def post_review(client, order, **changes):
    body = {"line": order.lines.get().pk, **REVIEW, **changes}
    return client.post(f"/api/v1/orders/{order.number}/reviews/", body, format="json")


def photo(color="red", fmt="JPEG") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (64, 48), color).save(out, fmt)
    return SimpleUploadedFile(f"p.{fmt.lower()}", out.getvalue(), content_type=f"image/{fmt.lower()}")


def test_a_review_of_a_completed_order_updates_product_and_shop(farm, buyer):
    sku = sku_in_shop(farm)
    order = completed(buyer, sku)

    response = post_review(client_for(buyer), order, rating=4)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rating"] == 4 and body["text"] == REVIEW["text"] and body["reply"] is None
    assert body["line"] == {"id": order.lines.get().pk} and body["hidden"] is False
    product = client_for(buyer).get(f"/api/v1/products/{sku.product_id}/").json()
    assert product["rating"] == 4.0 and product["review_count"] == 1
    shop = APIClient().get(f"/api/v1/shops/{farm.slug}/").json()
    assert shop["score"] == {
        "rating": 4.0,
        "as_described": 5.0,
        "communication": 4.0,
        "shipping": 4.0,
        "review_count": 1,
    }


def test_unpaid_paid_and_shipped_orders_cannot_be_reviewed(farm, buyer):
    sku = sku_in_shop(farm)
    client = client_for(buyer)
    for order in (place(buyer, {sku: 1})[0], placed_paid(buyer, sku), placed_shipped(buyer, sku)):
        response = post_review(client, order)
        assert response.status_code == 409, order.status
        assert response.json()["error"]["code"] == "invalid_state"
    assert not Review.objects.exists()


def test_someone_elses_order_is_404(farm, buyer):
    order = completed(buyer, sku_in_shop(farm))
    response = post_review(client_for(UserFactory()), order)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert post_review(APIClient(), order).status_code == 401


def test_once_per_line(farm, buyer):
    order = completed(buyer, sku_in_shop(farm))
    client = client_for(buyer)
    assert post_review(client, order).status_code == 201
    again = post_review(client, order, rating=1)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_reviewed"
    assert Review.objects.get().rating == 5


def test_each_line_of_an_order_is_reviewed_on_its_own(farm, buyer):
    radish, sausage = sku_in_shop(farm), sku_in_shop(farm)
    order = place(buyer, {radish: 1, sausage: 2})[0]
    pay(order)
    order_ship(order_id=order.pk, actor=farm.owner, carrier="SF", tracking_number="SF123456")
    order_confirm_receipt(order_id=order.pk, actor=buyer)
    client = client_for(buyer)
    for line in order.lines.all():
        body = {"line": line.pk, **REVIEW}
        assert client.post(f"/api/v1/orders/{order.number}/reviews/", body, format="json").status_code == 201
    assert Review.objects.count() == 2


@pytest.mark.parametrize(
    "field, value",
    [
        ("rating", 0),
        ("rating", 6),
        ("rating", 4.5),
        ("rating", "five"),
        ("as_described", 0),
        ("communication", 9),
        ("shipping", -1),
        ("rating", None),
    ],
)
def test_scores_outside_1_to_5_are_400(farm, buyer, field, value):
    order = completed(buyer, sku_in_shop(farm))
    response = post_review(client_for(buyer), order, **{field: value})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error" and field in response.json()["error"]["fields"]
    assert not Review.objects.exists()


def test_text_over_1000_characters_and_a_foreign_line_are_400(farm, buyer):
    order = completed(buyer, sku_in_shop(farm))
    other = completed(buyer, sku_in_shop(farm))
    client = client_for(buyer)
    assert post_review(client, order, text="辣" * 1001).status_code == 400
    foreign = post_review(client, order, line=other.lines.get().pk)
    assert foreign.status_code == 400 and "line" in foreign.json()["error"]["fields"]


def test_the_review_period_ends_30_days_after_receipt(farm, buyer):
    order = completed(buyer, sku_in_shop(farm), completed_at=timezone.now() - timedelta(days=31))
    response = post_review(client_for(buyer), order)
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


def test_photos_are_checked_like_product_photos(farm, buyer):
    order = completed(buyer, sku_in_shop(farm))
    client = client_for(buyer)
    url = f"/api/v1/orders/{order.number}/reviews/"
    body = {"line": order.lines.get().pk, **REVIEW}

    not_an_image = client.post(
        url, {**body, "photos": [SimpleUploadedFile("x.jpg", b"<script>", "image/jpeg")]}, format="multipart"
    )
    assert not_an_image.status_code == 400 and not_an_image.json()["error"]["code"] == "invalid_image"
    seven = client.post(url, {**body, "photos": [photo() for _ in range(7)]}, format="multipart")
    assert seven.status_code == 400
    assert not Review.objects.exists()

    ok = client.post(url, {**body, "photos": [photo("red"), photo("green", "PNG")]}, format="multipart")
    assert ok.status_code == 201, ok.json()
    photos = ok.json()["photos"]
    assert len(photos) == 2 and all(p["url"] and p["thumbnail_url"] for p in photos)
    assert Review.objects.get().has_photos


def test_seller_replies_once_and_the_reply_is_public(farm, buyer):
    sku = sku_in_shop(farm)
    order = completed(buyer, sku)
    review_id = post_review(client_for(buyer), order).json()["id"]
    farmer = client_for(farm.owner)

    first = farmer.post(
        f"/api/v1/seller/reviews/{review_id}/reply/", {"text": "谢谢！下次奶奶少放点辣椒。"}, format="json"
    )
    assert first.status_code == 200 and first.json()["reply"]["text"] == "谢谢！下次奶奶少放点辣椒。"
    second = farmer.post(f"/api/v1/seller/reviews/{review_id}/reply/", {"text": "again"}, format="json")
    assert second.status_code == 409 and second.json()["error"]["code"] == "already_replied"

    public = APIClient().get(f"/api/v1/products/{sku.product_id}/reviews/").json()
    assert public["count"] == 1 and public["results"][0]["reply"]["text"] == "谢谢！下次奶奶少放点辣椒。"
    assert "hidden_reason" not in public["results"][0] and buyer.username not in str(public)


def test_another_shops_review_is_404_to_a_seller(farm, buyer):
    order = completed(buyer, sku_in_shop(farm))
    review_id = post_review(client_for(buyer), order).json()["id"]
    other_seller = client_for(ShopFactory().owner)
    response = other_seller.post(f"/api/v1/seller/reviews/{review_id}/reply/", {"text": "hi"}, format="json")
    assert response.status_code == 404
    assert (
        client_for(buyer).post(f"/api/v1/seller/reviews/{review_id}/reply/", {"text": "hi"}, format="json").status_code
        == 404
    )
    assert not Review.objects.get().replied_at


def test_public_list_photos_first_filters_and_summary(farm):
    sku = sku_in_shop(farm)
    for rating, with_photo in [(5, False), (3, True), (5, True), (1, False)]:
        buyer = UserFactory()
        order = completed(buyer, sku)
        body = {"line": order.lines.get().pk, **REVIEW, "rating": rating}
        if with_photo:
            body["photos"] = [photo()]
        assert (
            client_for(buyer)
            .post(f"/api/v1/orders/{order.number}/reviews/", body, format="multipart" if with_photo else "json")
            .status_code
            == 201
        )
    anonymous = APIClient()
    url = f"/api/v1/products/{sku.product_id}/reviews/"

    everything = anonymous.get(url).json()
    assert [r["rating"] for r in everything["results"]] == [5, 3, 1, 5]  # photos first, then newest
    assert [bool(r["photos"]) for r in everything["results"]] == [True, True, False, False]
    assert everything["summary"] == {
        "rating": 3.5,
        "review_count": 4,
        "with_photos": 2,
        "histogram": {"5": 2, "4": 0, "3": 1, "2": 0, "1": 1},
    }
    assert [r["rating"] for r in anonymous.get(url, {"with_photos": "true"}).json()["results"]] == [5, 3]
    assert [r["rating"] for r in anonymous.get(url, {"rating": 5}).json()["results"]] == [5, 5]
    assert anonymous.get(url, {"rating": 7}).status_code == 400
    assert anonymous.get("/api/v1/products/999999/reviews/").status_code == 404


def test_reviews_of_a_suspended_shops_product_are_404(farm, buyer):
    sku = sku_in_shop(farm)
    completed(buyer, sku)
    Shop.objects.filter(pk=farm.pk).update(status=Shop.Status.SUSPENDED)
    Product.objects.filter(pk=sku.product_id).update(visible=False)
    assert APIClient().get(f"/api/v1/products/{sku.product_id}/reviews/").status_code == 404


def test_a_cheap_order_is_shown_but_not_counted(buyer):
    shop = ShopFactory()
    sku = sku_in_shop(shop, price="0.50")
    order = completed(buyer, sku)
    assert post_review(client_for(buyer), order, rating=1).status_code == 201
    product = APIClient().get(f"/api/v1/products/{sku.product_id}/reviews/").json()
    assert product["count"] == 1 and product["summary"]["review_count"] == 0
    assert product["summary"]["rating"] is None
    assert Product.objects.get(pk=sku.product_id).rating is None
    assert Shop.objects.get(pk=shop.pk).review_count == 0


def test_seller_list_shows_unreplied(farm, buyer):
    order = completed(buyer, sku_in_shop(farm))
    review_id = post_review(client_for(buyer), order).json()["id"]
    farmer = client_for(farm.owner)
    assert [r["id"] for r in farmer.get("/api/v1/seller/reviews/", {"unreplied": "true"}).json()["results"]] == [
        review_id
    ]
    farmer.post(f"/api/v1/seller/reviews/{review_id}/reply/", {"text": "谢谢"}, format="json")
    assert farmer.get("/api/v1/seller/reviews/", {"unreplied": "true"}).json()["count"] == 0
    assert farmer.get("/api/v1/seller/reviews/").json()["results"][0]["reply"]["text"] == "谢谢"
