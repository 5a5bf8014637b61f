"""Writing reviews: the buyer reviews a completed order line once (with photos), the seller replies once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import DomainError, InvalidState, NotFound, PermissionDeniedError, ValidationFailed
from common.files import files_written_first
from common.images import make_thumbnail, sanitize_image
from common.text import clean_text
from orders.errors import AlreadyReplied, AlreadyReviewed
from orders.models import (
    REVIEW_MAX_PHOTOS,
    REVIEW_MAX_TEXT,
    Order,
    OrderEvent,
    OrderLine,
    Review,
    ReviewPhoto,
)
from orders.services.events import order_event_add
from orders.services.reviews.ratings import ratings_refresh, review_shop_lock
from shops.models import ShopMember

REVIEW_PERIOD = timedelta(days=30)
PHOTO_MAX_SIDE = 1600


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
    return clean_text(value, field="text", max_length=REVIEW_MAX_TEXT)


def review_deadline(order: Order) -> datetime | None:
    """Until when the buyer may review a completed order."""
    if order.status != Order.Status.COMPLETED or order.completed_at is None:
        return None
    return order.completed_at + REVIEW_PERIOD


def review_period_open(order: Order, *, now: datetime | None = None) -> bool:
    deadline = review_deadline(order)
    return deadline is not None and (now or timezone.now()) <= deadline


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
    review_shop_lock(order.shop_id)
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
    ratings_refresh(review=review, now=now)
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
