"""After any sequence of reviews, hides and unhides, the incrementally kept aggregates equal both an
independent recomputation (written here from the rules) and `ratings_rebuild` from scratch."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.models import Product
from catalog.services import product_rating_set
from common.errors import InvalidState
from orders.errors import AlreadyReviewed
from orders.models import Order, Review
from orders.services.reviews.moderation import review_hide, review_unhide
from orders.services.reviews.ratings import ratings_rebuild
from orders.services.reviews.writing import review_create
from orders.tests.reviews.helpers import completed
from shops.models import Shop
from shops.services import shop_scores_set
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)


@dataclass
class Pool:
    shop: Shop
    orders: list[Order]
    recent: set[int]  # indexes of orders completed 20 days ago (the others 200 days ago)
    operator: object


@pytest.fixture
def pool() -> Pool:
    shop = ShopFactory()
    radish, cheap = sku_in_shop(shop, price="28.00"), sku_in_shop(shop, price="0.50")
    alice, bob = UserFactory(), UserFactory()
    recent_at, old_at = NOW - timedelta(days=20), NOW - timedelta(days=200)
    plan = (
        [(alice, radish, recent_at)] * 3
        + [(bob, radish, recent_at)] * 2
        + [(alice, cheap, recent_at), (alice, radish, old_at), (bob, radish, old_at)]
    )
    orders = [completed(buyer, sku, completed_at=at) for buyer, sku, at in plan]
    recent = {i for i, (_b, _s, at) in enumerate(plan) if at == recent_at}
    return Pool(shop=shop, orders=orders, recent=recent, operator=UserFactory(is_staff=True))


def _avg(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected(pool: Pool, last_now: datetime) -> dict:
    """The rules, recomputed from scratch without the services' code."""
    reviews = list(Review.objects.select_related("order").order_by("purchased_at", "id"))
    products = {}
    for product_id in {o.lines.get().product_id for o in pool.orders}:
        counted = [r.rating for r in reviews if r.product_id == product_id and not r.is_hidden and r.order.total >= 1]
        products[product_id] = (_avg(counted), len(counted))
    in_score, last_counted = [], {}
    for r in reviews:
        if r.is_hidden or r.order.total < 1:
            continue
        key = (r.buyer_id, r.product_id)
        if key in last_counted and r.order.created_at - last_counted[key] < timedelta(days=14):
            continue
        last_counted[key] = r.order.created_at
        if r.created_at > last_now - timedelta(days=180):
            in_score.append(r)
    shop = (
        len(in_score),
        _avg([r.rating for r in in_score]),
        _avg([r.as_described for r in in_score]),
        _avg([r.communication for r in in_score]),
        _avg([r.shipping for r in in_score]),
    )
    return {"products": products, "shop": shop}


def stored(pool: Pool) -> dict:
    products = {p.pk: (p.rating, p.review_count) for p in Product.objects.filter(shop=pool.shop)}
    shop = Shop.objects.get(pk=pool.shop.pk)
    return {
        "products": products,
        "shop": (
            shop.review_count,
            shop.rating,
            shop.score_as_described,
            shop.score_communication,
            shop.score_shipping,
        ),
    }


stars = st.integers(min_value=1, max_value=5)
review_op = st.tuples(st.just("review"), st.integers(0, 7), stars, stars, stars, stars, st.integers(0, 19))
# Reviews are drawn more often than hides, so that one buyer's repeat purchases meet often.
operation = st.one_of(
    review_op, review_op, review_op, st.tuples(st.sampled_from(["hide", "unhide"]), st.integers(0, 7))
)


def test_incremental_aggregates_equal_a_recomputation_from_scratch(pool):
    @settings(max_examples=30, deadline=None)
    @given(
        purchase_days=st.lists(st.integers(0, 28), min_size=8, max_size=8),
        operations=st.lists(operation, min_size=3, max_size=14),
    )
    def run(purchase_days, operations):
        # a clean slate for this example: no reviews, zeroed aggregates, purchases spread over four weeks
        Review.objects.all().delete()
        for product in Product.objects.filter(shop=pool.shop):
            product_rating_set(product_id=product.pk, rating=None, review_count=0)
        shop_scores_set(
            shop_id=pool.shop.pk, rating=None, as_described=None, communication=None, shipping=None, review_count=0
        )
        for i, (order, days) in enumerate(zip(pool.orders, purchase_days, strict=True)):
            placed = order.completed_at - timedelta(days=days + (3 if i in pool.recent else 0))
            Order.objects.filter(pk=order.pk).update(created_at=placed)

        last_now = NOW
        for op in operations:
            order = pool.orders[op[1]]
            review = Review.objects.filter(order=order).first()
            if op[0] == "review":
                _, _i, rating, described, communication, shipping, after = op
                now = order.completed_at + timedelta(days=after)
                try:
                    review_create(
                        order_id=order.pk,
                        buyer=order.buyer,
                        line_id=order.lines.get().pk,
                        rating=rating,
                        as_described=described,
                        communication=communication,
                        shipping=shipping,
                        now=now,
                    )
                except AlreadyReviewed:
                    assert review is not None
                    continue
                assert review is None
                last_now = now
            elif review is not None:
                change = review_hide if op[0] == "hide" else review_unhide
                try:
                    change(review_id=review.pk, actor=pool.operator, reason="测试", now=NOW)
                except InvalidState:
                    assert review.is_hidden == (op[0] == "hide")
                    continue
                last_now = NOW

        incremental = stored(pool)
        assert incremental == expected(pool, last_now)
        ratings_rebuild(now=last_now)
        assert stored(pool) == incremental

    run()
