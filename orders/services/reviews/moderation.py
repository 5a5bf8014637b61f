"""Moderation: an operator hides a review (it stops counting) or shows it again; both audited."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import operator_action_record
from common.errors import InvalidState, NotFound, ValidationFailed
from common.text import clean_text
from orders.models import (
    Review,
)
from orders.services.reviews.ratings import ratings_refresh, review_shop_lock


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
    review_shop_lock(shop_id)
    review = Review.objects.select_for_update().get(pk=review_id)
    if review.is_hidden:
        raise InvalidState(_("This review is already hidden."))
    review.is_hidden, review.hidden_reason, review.hidden_at = True, reason, now
    review.counts_for_product = review.counts_for_shop = False
    review.save(
        update_fields=["is_hidden", "hidden_reason", "hidden_at", "counts_for_product", "counts_for_shop", "updated_at"]
    )
    ratings_refresh(review=review, now=now)
    operator_action_record(actor=actor, action="review_hide", obj=review, reason=reason)
    return review


@transaction.atomic
def review_unhide(*, review_id: int, actor, reason: str = "", now: datetime | None = None) -> Review:
    """An operator shows a hidden review again; it counts again under the usual rules."""
    now = now or timezone.now()
    shop_id = Review.objects.filter(pk=review_id).values_list("shop_id", flat=True).first()
    if shop_id is None:
        raise NotFound()
    review_shop_lock(shop_id)
    review = Review.objects.select_for_update().get(pk=review_id)
    if not review.is_hidden:
        raise InvalidState(_("This review is not hidden."))
    review.is_hidden, review.hidden_reason, review.hidden_at = False, "", None
    review.save(update_fields=["is_hidden", "hidden_reason", "hidden_at", "updated_at"])
    ratings_refresh(review=review, now=now)
    operator_action_record(actor=actor, action="review_unhide", obj=review, reason=clean_text(reason or "")[:300])
    return review


# --- rebuild ----------------------------------------------------------------------------------------
