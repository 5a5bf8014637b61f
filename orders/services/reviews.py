"""Reviews: the buyer reviews a completed order line once, the seller replies once, an operator hides.

Aggregates (the product's rating and review count, the shop's scores) are recomputed in the same
transaction as every write, under the shop's row lock (a product belongs to one shop), so concurrent
reviews cannot lose each other's contribution. `ratings_rebuild` recomputes everything from scratch.

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
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.services import operator_action_record
from catalog.models import Product
from catalog.services import product_rating_set
from common.errors import Conflict, DomainError, InvalidState, NotFound, PermissionDeniedError, ValidationFailed
from common.files import files_written_first
from common.images import make_thumbnail, sanitize_image
from common.text import clean_text
from orders.models import (
    REVIEW_MAX_PHOTOS,
    REVIEW_MAX_TEXT,
    Order,
    OrderEvent,
    OrderLine,
    RefundRequest,
    Review,
    ReviewPhoto,
)
from orders.services.events import order_event_add
from shops.models import Shop, ShopMember
from shops.services import shop_scores_set

REVIEW_PERIOD = timedelta(days=30)
SHOP_SCORE_PERIOD = timedelta(days=180)
REPEAT_PURCHASE_PERIOD = timedelta(days=14)
MIN_COUNTED_ORDER_TOTAL = Decimal("1.00")
SCORE_FIELDS = ("rating", "as_described", "communication", "shipping")
PHOTO_MAX_SIDE = 1600
_CENT = Decimal("0.01")


class AlreadyReviewed(Conflict):
    code = "already_reviewed"
    default_message = gettext_lazy("This item has already been reviewed.")


class AlreadyReplied(Conflict):
    code = "already_replied"
    default_message = gettext_lazy("This review already has a reply.")


# --- input ------------------------------------------------------------------------------------------


def parse_score(value: Any, *, field: str) -> int:
    """A whole number of stars, 1…5 (JSON numbers or form strings; not booleans, not 4.5)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed(fields={field: [_("A whole number of stars from 1 to 5.")]})
    return value


def _review_text(value: Any) -> str:
    text = clean_text(value) if isinstance(value, str) else ""
    if len(text) > REVIEW_MAX_TEXT:
        raise ValidationFailed(fields={"text": [_("At most %(n)d characters.") % {"n": REVIEW_MAX_TEXT}]})
    return text


def review_deadline(order: Order) -> datetime | None:
    """Until when the buyer may review a completed order."""
    if order.status != Order.Status.COMPLETED or order.completed_at is None:
        return None
    return order.completed_at + REVIEW_PERIOD


def review_period_open(order: Order, *, now: datetime | None = None) -> bool:
    deadline = review_deadline(order)
    return deadline is not None and (now or timezone.now()) <= deadline


def _average(total: int | None, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(_CENT, rounding=ROUND_HALF_UP)


# --- aggregates -------------------------------------------------------------------------------------


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


def _shop_lock(shop_id: int) -> Shop:
    """Every review write for a shop (and so for its products) runs under this row lock."""
    return Shop.objects.select_for_update().only("id").get(pk=shop_id)


def _ratings_refresh(*, review: Review, now: datetime) -> None:
    review_flags_refresh(buyer_id=review.buyer_id, product_id=review.product_id)
    product_rating_refresh(product_id=review.product_id)
    shop_scores_refresh(shop_id=review.shop_id, now=now)


# --- create -----------------------------------------------------------------------------------------


def _photos(uploads: Sequence[Any]) -> list[tuple[Any, Any]]:
    """Checked and re-encoded like product photos (before any lock is taken)."""
    uploads = [u for u in uploads if u]
    if len(uploads) > REVIEW_MAX_PHOTOS:
        raise ValidationFailed(fields={"photos": [_("At most %(n)d photos.") % {"n": REVIEW_MAX_PHOTOS}]})
    photos = []
    for upload in uploads:
        try:
            content, _width, _height = sanitize_image(upload, max_side=PHOTO_MAX_SIDE)
        except DomainError as exc:  # invalid_image (400) or too_large (413)
            exc.fields = {"photos": [exc.message]}
            raise
        photos.append((content, make_thumbnail(content.read(), side=320)))
        content.seek(0)
    return photos


def review_create(*, photos: Sequence[Any] = (), **fields: Any) -> Review:
    """The buyer of a completed order reviews one of its lines, within 30 days of completion, once.

    The photos are checked and stored before the review's transaction opens (a bad photo stores nothing),
    and deleted again if the review is refused or its transaction fails."""
    checked_photos = _photos(photos)
    with files_written_first() as files:
        stored = []
        for content, thumbnail in checked_photos:
            photo = ReviewPhoto()
            files.write(photo, "image", content)
            files.write(photo, "thumbnail", thumbnail)
            stored.append(photo)
        return _review_create(photos=stored, **fields)


@transaction.atomic
def _review_create(
    *,
    order_id: int,
    buyer,
    line_id: Any,
    rating: Any,
    as_described: Any,
    communication: Any,
    shipping: Any,
    text: Any = "",
    photos: Sequence[ReviewPhoto] = (),
    now: datetime | None = None,
) -> Review:
    now = now or timezone.now()
    scores = {
        field: parse_score(value, field=field)
        for field, value in (
            ("rating", rating),
            ("as_described", as_described),
            ("communication", communication),
            ("shipping", shipping),
        )
    }
    text = _review_text(text)
    order = Order.objects.filter(pk=order_id, buyer=buyer).first() if buyer.is_authenticated else None
    if order is None:
        raise NotFound()
    line = OrderLine.objects.filter(order=order, pk=line_id if str(line_id).isdigit() else None).first()
    if line is None:
        raise ValidationFailed(fields={"line": [_("Choose an item of this order.")]})
    if order.status != Order.Status.COMPLETED:
        raise InvalidState(_("Only a completed order can be reviewed: confirm receipt first."))
    if now > review_deadline(order):
        raise InvalidState(
            _("Reviews are open for %(days)d days after receipt; this order's period has ended.")
            % {"days": REVIEW_PERIOD.days}
        )
    if ShopMember.objects.filter(shop_id=order.shop_id, user=buyer).exists():
        raise PermissionDeniedError(_("You cannot review your own shop."))
    _shop_lock(order.shop_id)
    if Review.objects.filter(line=line).exists():
        raise AlreadyReviewed()
    review = Review(
        order=order,
        line=line,
        buyer=buyer,
        shop_id=order.shop_id,
        product_id=line.product_id,
        sku_name=line.sku_name,
        text=text,
        has_photos=bool(photos),
        purchased_at=order.created_at,
        created_at=now,
        **scores,
    )
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:  # a twin request won the race
        raise AlreadyReviewed() from exc
    for position, photo in enumerate(photos):
        photo.review = review
        photo.position = position
        photo.save()
    _ratings_refresh(review=review, now=now)
    order_event_add(
        order=order,
        type=OrderEvent.Type.REVIEWED,
        at=now,
        actor=buyer,
        review=review.pk,
        line=line.pk,
        rating=review.rating,
    )
    review.refresh_from_db()
    return review


# --- reply ------------------------------------------------------------------------------------------


@transaction.atomic
def review_reply(*, review_id: int, actor, text: Any, now: datetime | None = None) -> Review:
    """The shop answers a review, once; the reply is shown under it."""
    now = now or timezone.now()
    review = Review.objects.filter(pk=review_id, shop__members__user=actor).first()
    if review is None:
        raise NotFound()
    text = clean_text(text) if isinstance(text, str) else ""
    if not text:
        raise ValidationFailed(fields={"text": [_("This field is required.")]})
    if len(text) > REVIEW_MAX_TEXT:
        raise ValidationFailed(fields={"text": [_("At most %(n)d characters.") % {"n": REVIEW_MAX_TEXT}]})
    if review.is_hidden:
        raise InvalidState(_("This review was hidden by the platform."))
    # A conditional update: of two concurrent replies exactly one writes.
    updated = Review.objects.filter(pk=review.pk, replied_at__isnull=True).update(
        reply_text=text, replied_at=now, replied_by=actor, updated_at=now
    )
    if not updated:
        raise AlreadyReplied()
    review.refresh_from_db()
    return review


# --- moderation -------------------------------------------------------------------------------------


@transaction.atomic
def review_hide(*, review_id: int, actor, reason: str, now: datetime | None = None) -> Review:
    """An operator hides a review: it stops counting, and its author sees why on their order page."""
    now = now or timezone.now()
    reason = clean_text(reason or "", multiline=False)[:300]
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Tell the author why the review is hidden.")]})
    shop_id = Review.objects.filter(pk=review_id).values_list("shop_id", flat=True).first()
    if shop_id is None:
        raise NotFound()
    _shop_lock(shop_id)
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.is_hidden:
        raise InvalidState(_("This review is already hidden."))
    review.is_hidden, review.hidden_reason, review.hidden_at = True, reason, now
    review.counts_for_product = review.counts_for_shop = False
    review.save(
        update_fields=["is_hidden", "hidden_reason", "hidden_at", "counts_for_product", "counts_for_shop", "updated_at"]
    )
    _ratings_refresh(review=review, now=now)
    operator_action_record(actor=actor, action="review_hide", obj=review, reason=reason)
    return review


@transaction.atomic
def review_unhide(*, review_id: int, actor, reason: str = "", now: datetime | None = None) -> Review:
    """An operator shows a hidden review again; it counts again under the usual rules."""
    now = now or timezone.now()
    shop_id = Review.objects.filter(pk=review_id).values_list("shop_id", flat=True).first()
    if shop_id is None:
        raise NotFound()
    _shop_lock(shop_id)
    review = Review.objects.select_for_update().get(pk=review_id)
    if not review.is_hidden:
        raise InvalidState(_("This review is not hidden."))
    review.is_hidden, review.hidden_reason, review.hidden_at = False, "", None
    review.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"])
    _ratings_refresh(review=review, now=now)
    operator_action_record(actor=actor, action="review_unhide", obj=review, reason=clean_text(reason or "")[:300])
    return review


# --- rebuild ----------------------------------------------------------------------------------------


@dataclass
class RebuildResult:
    shops: int = 0
    products: int = 0
    flags_changed: int = 0


@transaction.atomic
def shop_ratings_rebuild(*, shop_id: int, now: datetime | None = None) -> RebuildResult:
    """Recomputes from scratch every flag and aggregate of one shop and its products."""
    now = now or timezone.now()
    _shop_lock(shop_id)
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
