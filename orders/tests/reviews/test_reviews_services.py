"""Anti-gaming rules and moderation: own shop, 14-day repeats, orders under ¥1, hiding with a reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import OperatorAction
from catalog.models import Product
from catalog.services import product_rating_set
from common.errors import InvalidState, PermissionDeniedError, ValidationFailed
from orders.models import Review
from orders.services.reviews.moderation import review_hide, review_unhide
from orders.services.reviews.writing import review_create
from orders.tests.reviews.helpers import REVIEW, completed
from shops.models import Shop, ShopMember
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def review(order, **changes) -> Review:
    scores = {**REVIEW, **changes}
    return review_create(order_id=order.pk, buyer=order.buyer, line_id=order.lines.get().pk, **scores)


def shop_score(shop) -> tuple:
    shop = Shop.objects.get(pk=shop.pk)
    return shop.review_count, shop.rating, shop.score_as_described, shop.score_communication, shop.score_shipping


def test_a_seller_cannot_review_their_own_shop():
    # given a buyer who bought, then joined the shop's staff (checkout refuses buying from your own shop)
    shop, buyer = ShopFactory(), UserFactory()
    order = completed(buyer, sku_in_shop(shop))
    ShopMember.objects.create(shop=shop, user=buyer)

    with pytest.raises(PermissionDeniedError):
        review(order)
    client = APIClient()
    client.force_authenticate(buyer)
    response = client.post(
        f"/api/v1/orders/{order.number}/reviews/", {"line": order.lines.get().pk, **REVIEW}, format="json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert not Review.objects.exists()


def test_repeat_purchases_within_14_days_count_once_in_the_shop_score():
    shop, buyer = ShopFactory(), UserFactory()
    sku = sku_in_shop(shop)
    start = timezone.now() - timedelta(days=20)
    first = completed(buyer, sku, placed_at=start)
    repeat = completed(buyer, sku, placed_at=start + timedelta(days=10))
    later = completed(buyer, sku, placed_at=start + timedelta(days=15))

    review(first, as_described=5, communication=5, shipping=5)
    review(repeat, as_described=1, communication=1, shipping=1, rating=1)
    # the repeat within 14 days changes nothing in the shop score…
    assert shop_score(shop) == (1, Decimal("5.00"), Decimal("5.00"), Decimal("5.00"), Decimal("5.00"))
    # …but the product rating counts every buyer's every review
    assert Product.objects.get(pk=sku.product_id).review_count == 2
    # 15 days after the counted purchase, it counts again
    review(later, as_described=3, communication=3, shipping=3, rating=3)
    assert shop_score(shop) == (2, Decimal("4.00"), Decimal("4.00"), Decimal("4.00"), Decimal("4.00"))
    assert list(Review.objects.order_by("purchased_at").values_list("counts_for_shop", flat=True)) == [
        True,
        False,
        True,
    ]


def test_hiding_the_counted_review_lets_the_repeat_count_instead():
    shop, buyer = ShopFactory(), UserFactory()
    sku = sku_in_shop(shop)
    start = timezone.now() - timedelta(days=5)
    first = review(completed(buyer, sku, placed_at=start), as_described=5)
    review(completed(buyer, sku, placed_at=start + timedelta(days=1)), as_described=2)
    operator = UserFactory(is_staff=True)

    review_hide(review_id=first.pk, actor=operator, reason="刷单")

    assert shop_score(shop)[:3] == (1, Decimal("5.00"), Decimal("2.00"))


def test_different_buyers_and_products_are_not_repeats():
    shop = ShopFactory()
    radish, sausage = sku_in_shop(shop), sku_in_shop(shop)
    alice, bob = UserFactory(), UserFactory()
    review(completed(alice, radish))
    review(completed(alice, sausage))
    review(completed(bob, radish))
    assert shop_score(shop)[0] == 3


def test_orders_under_one_yuan_do_not_count():
    shop, buyer = ShopFactory(), UserFactory()
    cheap, normal = sku_in_shop(shop, price="0.99"), sku_in_shop(shop, price="1.00")
    review(completed(buyer, cheap), rating=1, as_described=1, communication=1, shipping=1)
    assert shop_score(shop) == (0, None, None, None, None)
    assert Product.objects.get(pk=cheap.product_id).rating is None
    review(completed(buyer, normal), rating=4)
    assert shop_score(shop)[:2] == (1, Decimal("4.00"))
    assert Product.objects.get(pk=normal.product_id).rating == Decimal("4.00")


def test_the_shop_score_covers_the_last_180_days():
    shop, buyer = ShopFactory(), UserFactory()
    sku = sku_in_shop(shop)
    now = timezone.now()
    old_order = completed(buyer, sku, completed_at=now - timedelta(days=200), placed_at=now - timedelta(days=215))
    review_create(
        order_id=old_order.pk,
        buyer=buyer,
        line_id=old_order.lines.get().pk,
        now=now - timedelta(days=190),
        **{**REVIEW, "as_described": 1},
    )
    review(completed(buyer, sku), as_described=5)
    assert shop_score(shop)[:3] == (1, Decimal("5.00"), Decimal("5.00"))
    assert Product.objects.get(pk=sku.product_id).review_count == 2  # the product rating has no window


def test_hide_stores_the_reason_records_the_audit_line_and_stops_counting():
    shop, buyer = ShopFactory(), UserFactory()
    sku = sku_in_shop(shop)
    bad = review(completed(buyer, sku), rating=1, as_described=1)
    review(completed(UserFactory(), sku), rating=5, as_described=5)
    operator = UserFactory(is_staff=True)

    with pytest.raises(ValidationFailed):
        review_hide(review_id=bad.pk, actor=operator, reason="  ")
    review_hide(review_id=bad.pk, actor=operator, reason="含有广告链接")

    bad.refresh_from_db()
    assert bad.is_hidden and bad.hidden_reason == "含有广告链接" and not bad.counts_for_product
    product = Product.objects.get(pk=sku.product_id)
    assert (product.rating, product.review_count) == (Decimal("5.00"), 1)
    assert shop_score(shop)[:3] == (1, Decimal("5.00"), Decimal("5.00"))
    audit = OperatorAction.objects.get(action="review_hide")
    assert audit.actor == operator and audit.object_id == str(bad.pk) and audit.reason == "含有广告链接"
    with pytest.raises(InvalidState):
        review_hide(review_id=bad.pk, actor=operator, reason="again")

    review_unhide(review_id=bad.pk, actor=operator, reason="appeal accepted")
    product.refresh_from_db()
    assert (product.rating, product.review_count) == (Decimal("3.00"), 2)
    assert OperatorAction.objects.filter(action="review_unhide").count() == 1


def test_operator_hides_in_django_admin_with_a_reason(client):
    shop, buyer = ShopFactory(), UserFactory()
    sku = sku_in_shop(shop)
    hidden = review(completed(buyer, sku))
    operator = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(operator)

    response = client.post(
        "/admin/orders/review/",
        {"action": "hide_reviews", "_selected_action": [hidden.pk], "reason": "与商品无关的内容"},
        follow=True,
    )

    assert response.status_code == 200
    hidden.refresh_from_db()
    assert hidden.is_hidden and hidden.hidden_reason == "与商品无关的内容"
    assert OperatorAction.objects.get(action="review_hide").reason == "与商品无关的内容"
    assert Product.objects.get(pk=sku.product_id).review_count == 0
    # the author sees why, on their order page
    client.force_login(buyer)
    page = client.get(f"/orders/{hidden.order.number}/")
    assert "与商品无关的内容" in page.content.decode()


def test_rebuild_ratings_repairs_drifted_aggregates(capsys):
    shop, buyer = ShopFactory(), UserFactory()
    sku = sku_in_shop(shop)
    review(completed(buyer, sku), rating=4)
    stale = sku_in_shop(shop)
    product_rating_set(product_id=stale.product_id, rating=Decimal("1.00"), review_count=9)
    product_rating_set(product_id=sku.product_id, rating=Decimal("2.00"), review_count=7)
    Review.objects.update(counts_for_shop=False)

    call_command("rebuild_ratings")

    out = capsys.readouterr().out
    assert "1/1 shops" in out and "Done" in out
    assert Product.objects.filter(pk=sku.product_id).values_list("rating", "review_count").get() == (Decimal("4.00"), 1)
    assert Product.objects.filter(pk=stale.product_id).values_list("rating", "review_count").get() == (None, 0)
    assert shop_score(shop)[:2] == (1, Decimal("4.00"))
