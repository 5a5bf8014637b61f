"""Reads for reviews: a product's reviews and summary, the shop's, and its scores against its peers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    Max,
    Prefetch,
    Q,
    QuerySet,
)

from catalog.models import Category, Product
from orders.models import Order, Review, ReviewPhoto
from shops.models import Shop


def _reviews_with_photos(reviews: QuerySet[Review]) -> QuerySet[Review]:
    return reviews.select_related("buyer", "order").prefetch_related(
        Prefetch("photos", queryset=ReviewPhoto.objects.order_by("position", "id"))
    )


def product_reviews(*, product_id: int, with_photos: bool = False, stars: int | None = None) -> QuerySet[Review]:
    """The product page's reviews: visible ones, those with photos first, then the newest."""
    reviews = Review.objects.visible().filter(product_id=product_id)
    if with_photos:
        reviews = reviews.filter(has_photos=True)
    if stars in (1, 2, 3, 4, 5):
        reviews = reviews.filter(rating=stars)
    return _reviews_with_photos(reviews).order_by("-has_photos", "-created_at", "-id")


@dataclass
class StarBar:
    stars: int
    count: int
    percent: int


@dataclass
class ReviewSummary:
    rating: Decimal | None
    review_count: int
    histogram: list[StarBar]
    visible_count: int
    with_photos: int


def product_reviews_version(*, product_id: int) -> tuple:
    """Changes with every review of the product written, replied to, hidden or shown again (the product
    page's cached part names it in its version)."""
    stamp = Review.objects.filter(product_id=product_id).aggregate(n=Count("id"), last=Max("updated_at"))
    return stamp["n"], stamp["last"]


def product_review_summary(*, product) -> ReviewSummary:
    """The stored aggregate (rating, count), and the star histogram of the reviews that make it up."""
    by_stars = dict(
        Review.objects.filter(product_id=product.pk, counts_for_product=True)
        .values("rating")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("rating", "n")
    )
    counted = sum(by_stars.values())
    visible = (
        Review.objects.visible()
        .filter(product_id=product.pk)
        .aggregate(n=Count("id"), photos=Count("id", filter=Q(has_photos=True)))
    )
    histogram = [
        StarBar(stars=s, count=by_stars.get(s, 0), percent=round(100 * by_stars.get(s, 0) / counted) if counted else 0)
        for s in range(5, 0, -1)
    ]
    return ReviewSummary(
        rating=product.rating,
        review_count=product.review_count,
        histogram=histogram,
        visible_count=visible["n"],
        with_photos=visible["photos"],
    )


def seller_reviews(*, shop: Shop, unreplied: bool = False) -> QuerySet[Review]:
    reviews = Review.objects.for_shop(shop)
    if unreplied:
        reviews = reviews.filter(replied_at__isnull=True, is_hidden=False)
    return _reviews_with_photos(reviews).order_by("-created_at", "-id")


def seller_unreplied_review_count(*, shop: Shop) -> int:
    return Review.objects.for_shop(shop).filter(replied_at__isnull=True, is_hidden=False).count()


def order_reviews_by_line(*, order: Order) -> dict[int, Review]:
    """The buyer's own reviews of an order (hidden ones too: the author is told why)."""
    return {review.line_id: review for review in _reviews_with_photos(Review.objects.filter(order=order))}


@dataclass
class ScoreComparison:
    key: str
    value: Decimal | None
    peers: Decimal | None

    @property
    def percent(self) -> Decimal | None:
        """How far above (positive) or below the peers' average, in percent."""
        if self.value is None or not self.peers:
            return None
        return ((self.value - self.peers) * 100 / self.peers).quantize(Decimal("0.01"))

    @property
    def abs_percent(self) -> Decimal | None:
        return None if self.percent is None else abs(self.percent)

    @property
    def direction(self) -> str:
        percent = self.percent
        if percent is None:
            return ""
        return "higher" if percent > 0 else "lower" if percent < 0 else "same"


def _category_roots() -> dict[int, int]:
    parents = dict(Category.objects.values_list("id", "parent_id"))
    roots: dict[int, int] = {}
    for category_id in parents:
        root, seen = category_id, set()
        while parents.get(root) and root not in seen:
            seen.add(root)
            root = parents[root]
        roots[category_id] = root
    return roots


def shop_main_category_id(*, shop: Shop, roots: dict[int, int] | None = None) -> int | None:
    """The top-level category most of the shop's public products are in."""
    roots = roots if roots is not None else _category_roots()
    counts: Counter[int] = Counter()
    for category_id, n in (
        Product.objects.filter(shop=shop, visible=True)
        .values("category_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("category_id", "n")
    ):
        counts[roots.get(category_id, category_id)] += n
    return counts.most_common(1)[0][0] if counts else None


def shop_score_comparison(*, shop: Shop) -> dict:
    """The shop's three scores (stored: the last 180 days) against the average of the scored shops in its
    main top-level category ("higher/lower than peers", as Taobao shows them)."""
    roots = _category_roots()
    category_id = shop_main_category_id(shop=shop, roots=roots)
    peers: dict[str, Decimal | None] = {"as_described": None, "communication": None, "shipping": None}
    category = None
    if category_id is not None:
        category = Category.objects.filter(pk=category_id).first()
        in_category = [cid for cid, root in roots.items() if root == category_id]
        peer_shops = Shop.objects.public().filter(
            review_count__gt=0,
            pk__in=Product.objects.filter(visible=True, category_id__in=in_category).values("shop_id"),
        )
        averages = peer_shops.aggregate(
            as_described=Avg("score_as_described"),
            communication=Avg("score_communication"),
            shipping=Avg("score_shipping"),
        )
        peers = {
            key: (Decimal(value).quantize(Decimal("0.01")) if value is not None else None)
            for key, value in averages.items()
        }
    return {
        "category": category,
        "scores": [
            ScoreComparison(key="as_described", value=shop.score_as_described, peers=peers["as_described"]),
            ScoreComparison(key="communication", value=shop.score_communication, peers=peers["communication"]),
            ScoreComparison(key="shipping", value=shop.score_shipping, peers=peers["shipping"]),
        ],
    }
