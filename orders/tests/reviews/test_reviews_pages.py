"""The review pages: the buyer's form from the order page, the seller's reply, product and shop pages."""

import pytest
from django.utils import timezone

from orders.models import Review
from orders.services.reviews.writing import review_create
from orders.tests.reviews.helpers import REVIEW, completed
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_buyer_writes_a_review_from_the_order_page(client):
    shop, buyer = ShopFactory(), UserFactory()
    order = completed(buyer, sku_in_shop(shop))
    line = order.lines.get()
    client.force_login(buyer)
    detail = client.get(f"/orders/{order.number}/").content.decode()
    assert f"/orders/{order.number}/review/{line.pk}/" in detail

    bad = client.post(
        f"/orders/{order.number}/review/{line.pk}/",
        {"rating": "9", "as_described": "5", "communication": "5", "shipping": "5"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 200 and "1 to 5" in bad.content.decode() and not Review.objects.exists()
    response = client.post(
        f"/orders/{order.number}/review/{line.pk}/",
        {"rating": "2", "text": "<b>太辣了</b>", "as_described": "3", "communication": "5", "shipping": "4"},
    )
    assert response.status_code == 302
    page = client.get(f"/orders/{order.number}/").content.decode()
    assert "&lt;b&gt;太辣了&lt;/b&gt;" in page and "<b>太辣了" not in page
    assert f"/orders/{order.number}/review/{line.pk}/" not in page


def test_someone_elses_review_form_is_404(client):
    order = completed(UserFactory(), sku_in_shop(ShopFactory()))
    client.force_login(UserFactory())
    assert client.get(f"/orders/{order.number}/review/{order.lines.get().pk}/").status_code == 404


def test_seller_replies_once_from_the_seller_center(client):
    shop, buyer = ShopFactory(), UserFactory()
    order = completed(buyer, sku_in_shop(shop))
    review = review_create(order_id=order.pk, buyer=buyer, line_id=order.lines.get().pk, **REVIEW)
    client.force_login(shop.owner)
    page = client.get("/seller/reviews/?filter=unreplied").content.decode()
    assert f"/seller/reviews/{review.pk}/reply/" in page

    client.post(f"/seller/reviews/{review.pk}/reply/", {"text": "谢谢支持"})
    client.post(f"/seller/reviews/{review.pk}/reply/", {"text": "second"})

    review.refresh_from_db()
    assert review.reply_text == "谢谢支持"
    assert f"/seller/reviews/{review.pk}/reply/" not in client.get("/seller/reviews/").content.decode()
    client.force_login(ShopFactory().owner)
    assert client.post(f"/seller/reviews/{review.pk}/reply/", {"text": "x"}).status_code == 404


def test_product_and_shop_pages_show_reviews_and_scores(client):
    shop = ShopFactory()
    sku = sku_in_shop(shop)
    for rating in (5, 4):
        buyer = UserFactory()
        order = completed(buyer, sku)
        review_create(
            order_id=order.pk,
            buyer=buyer,
            line_id=order.lines.get().pk,
            now=timezone.now(),
            **{**REVIEW, "rating": rating, "text": f"评价 {rating}"},
        )
    product_page = client.get(f"/product/{sku.product_id}/").content.decode()
    assert "4.5" in product_page and "评价 5" in product_page and "评价 4" in product_page
    only_fours = client.get(f"/product/{sku.product_id}/?stars=4").content.decode()
    assert "评价 4" in only_fours and "评价 5" not in only_fours
    shop_page = client.get(f"/shop/{shop.slug}/").content.decode()
    assert 'data-testid="shop-score-as_described"' in shop_page and 'class="vs same"' in shop_page
