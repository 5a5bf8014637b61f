"""Review aggregates: which reviews count, the product's rating, the shop's scores, and rebuilding them.

Recomputed in the same transaction as every review write, under the shop's row lock (a product belongs to
one shop), so concurrent reviews cannot lose each other's contribution. `ratings_rebuild` recomputes
everything from scratch.

Anti-gaming rules:
- a hidden review, or one on an order under ¥1 (after refunds), counts for nothing (`counts_for_product` is False);
- of one buyer's purchases of one product, only the first of every 14 days counts in the shop score
  (`counts_for_shop`), measured from the purchase that counted;
- the shop score averages counted reviews of the last 180 days;
- a seller (or their staff) cannot review their own shop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from catalog.models import Product
from catalog.services import product_rating_set
from orders.models import (
    RefundRequest,
    Review,
)
from shops.models import Shop
from shops.services import shop_scores_set

SHOP_SCORE_PERIOD = timedelta(days=180)
REPEAT_PURCHASE_PERIOD = timedelta(days=14)
MIN_COUNTED_ORDER_TOTAL = Decimal("1.00")
SCORE_FIELDS = ("rating", "as_described", "communication", "shipping")
_CENT = Decimal("0.01")


def _average(total: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _FlagRow:
    id: int
    purchased_at: datetime
    is_hidden: bool
    order_total: Decimal
    counts_for_product: bool
    counts_for_shop: bool


def _flags(rows: Sequence[_FlagRow]) -> dict[int, tuple[bool, bool]]:
    """One buyer's reviews of one product, in purchase order → {id: (counts_for_product, counts_for_shop)}."""
    flags: dict[int, tuple[bool, bool]] = {}
    last_counted: datetime | None = None
    for row in rows:
        for_product = not row.is_hidden and row.order_total >= MIN_COUNTED_ORDER_TOTAL
        for_shop = for_product and (last_counted is None or row.purchased_at - last_counted >= REPEAT_PURCHASE_PERIOD)
        if for_shop:
            last_counted = row.purchased_at
        flags[row.id] = (for_product, for_shop)
    return flags


def _with_net_paid(reviews):
    """Annotates `net_paid`: the order's total less what was refunded on it. A review counts by what the
    buyer kept paying, so a purchase refunded down to a few fen is not a counted review (buy, refund,
    review is not a way to rate a shop)."""
    refunded = (
        RefundRequest.objects.filter(order=OuterRef("order_id"), status=RefundRequest.Status.REFUNDED)
        .values("order")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return reviews.annotate(
        net_paid=ExpressionWrapper(
            F("order__total") - Coalesce(Subquery(refunded, output_field=money), Value(Decimal("0.00"))),
            output_field=money,
        )
    )


def _flag_rows(reviews) -> list[_FlagRow]:
    return [
        _FlagRow(*values)
        for values in _with_net_paid(reviews)
        .order_by("purchased_at", "id")
        .values_list("id", "purchased_at", "is_hidden", "net_paid", "counts_for_product", "counts_for_shop")
    ]


def review_flags_refresh(*, buyer_id: int, product_id: int) -> int:
    """Recomputes which of one buyer's reviews of one product count. Returns how many changed."""
    rows = _flag_rows(Review.objects.filter(buyer_id=buyer_id, product_id=product_id))
    return _flags_apply(rows, _flags(rows))


def _flags_apply(rows: Sequence[_FlagRow], flags: dict[int, tuple[bool, bool]]) -> int:
    changed = [
        Review(pk=row.id, counts_for_product=flags[row.id][0], counts_for_shop=flags[row.id][1])
        for row in rows
        if (row.counts_for_product, row.counts_for_shop) != flags[row.id]
    ]
    if changed:
        Review.objects.bulk_update(changed, ["counts_for_product", "counts_for_shop"])
    return len(changed)


def product_rating_refresh(*, product_id: int) -> None:
    totals = Review.objects.filter(product_id=product_id, counts_for_product=True).aggregate(
        n=Count("id"), stars=Sum("rating")
    )
    product_rating_set(product_id=product_id, rating=_average(totals["stars"], totals["n"]), review_count=totals["n"])


def shop_scores_refresh(*, shop_id: int, now: datetime | None = None) -> None:
    """The shop score: averages of the counted reviews of the last 180 days."""
    since = (now or timezone.now()) - SHOP_SCORE_PERIOD
    totals = Review.objects.filter(shop_id=shop_id, counts_for_shop=True, created_at__gt=since).aggregate(
        n=Count("id"), **{field: Sum(field) for field in SCORE_FIELDS}
    )
    n = totals["n"]
    shop_scores_set(
        shop_id=shop_id,
        rating=_average(totals["rating"], n),
        as_described=_average(totals["as_described"], n),
        communication=_average(totals["communication"], n),
        shipping=_average(totals["shipping"], n),
        review_count=n,
    )


def review_shop_lock(shop_id: int) -> Shop:
    """Every review write for a shop (and so for its products) runs under this row lock."""
    return Shop.objects.select_for_update().only("id").get(pk=shop_id)


def ratings_refresh(*, review: Review, now: datetime) -> None:
    """The aggregates a review's write changes: its buyer's flags for the product, the product, the shop."""
    review_flags_refresh(buyer_id=review.buyer_id, product_id=review.product_id)
    product_rating_refresh(product_id=review.product_id)
    shop_scores_refresh(shop_id=review.shop_id, now=now)


@dataclass
class RebuildResult:
    shops: int = 0
    products: int = 0
    flags_changed: int = 0


@transaction.atomic
def shop_ratings_rebuild(*, shop_id: int, now: datetime | None = None) -> RebuildResult:
    """Recomputes from scratch every flag and aggregate of one shop and its products."""
    now = now or timezone.now()
    review_shop_lock(shop_id)
    result = RebuildResult(shops=1)
    rows_by_group: dict[tuple[int, int], list[_FlagRow]] = {}
    for buyer_id, product_id, *values in (
        _with_net_paid(Review.objects.filter(shop_id=shop_id))
        .order_by("buyer_id", "product_id", "purchased_at", "id")
        .values_list(
            "buyer_id",
            "product_id",
            "id",
            "purchased_at",
            "is_hidden",
            "net_paid",
            "counts_for_product",
            "counts_for_shop",
        )
        .iterator(chunk_size=2000)
    ):
        rows_by_group.setdefault((buyer_id, product_id), []).append(_FlagRow(*values))
    for rows in rows_by_group.values():
        result.flags_changed += _flags_apply(rows, _flags(rows))
    product_ids = set(Review.objects.filter(shop_id=shop_id).values_list("product_id", flat=True).distinct())
    product_ids |= set(
        Product.objects.filter(Q(review_count__gt=0) | Q(rating__isnull=False), shop_id=shop_id).values_list(
            "id", flat=True
        )
    )
    for product_id in sorted(product_ids):
        product_rating_refresh(product_id=product_id)
    result.products = len(product_ids)
    shop_scores_refresh(shop_id=shop_id, now=now)
    return result


def ratings_rebuild(
    *, now: datetime | None = None, progress: Callable[[int, int, RebuildResult], None] | None = None
) -> RebuildResult:
    """Every shop that has reviews or a score, one transaction each (`manage.py rebuild_ratings`)."""
    now = now or timezone.now()
    shop_ids = set(Review.objects.values_list("shop_id", flat=True).distinct())
    shop_ids |= set(Shop.objects.filter(Q(review_count__gt=0) | Q(rating__isnull=False)).values_list("id", flat=True))
    shop_ids |= set(
        Product.objects.filter(Q(review_count__gt=0) | Q(rating__isnull=False))
        .values_list("shop_id", flat=True)
        .distinct()
    )
    total = RebuildResult()
    ordered = sorted(shop_ids)
    for done, shop_id in enumerate(ordered, start=1):
        one = shop_ratings_rebuild(shop_id=shop_id, now=now)
        total.shops += one.shops
        total.products += one.products
        total.flags_changed += one.flags_changed
        if progress is not None:
            progress(done, len(ordered), total)
    return total
