"""API input validation and output shapes for reviews: a buyer's review, the seller's reply, review pages."""

from __future__ import annotations

from rest_framework import serializers

from common.serializers import absolute_url, decimal_number
from orders.models import REVIEW_MAX_PHOTOS, REVIEW_MAX_TEXT, Review
from orders.selectors import ReviewSummary

# --- reviews ----------------------------------------------------------------------------------------


class StarsField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=5, **kwargs)


class ReviewCreateInputSerializer(serializers.Serializer):
    """JSON, or multipart with up to 6 `photos` files (checked like product photos)."""

    line = serializers.IntegerField(min_value=1)
    rating = StarsField()
    text = serializers.CharField(
        max_length=REVIEW_MAX_TEXT, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    as_described = StarsField()
    communication = StarsField()
    shipping = StarsField()
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=REVIEW_MAX_PHOTOS, help_text="multipart only"
    )


class ReviewReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=REVIEW_MAX_TEXT)


class ProductReviewsFilterSerializer(serializers.Serializer):
    with_photos = serializers.BooleanField(required=False, default=False)
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)


class SellerReviewsFilterSerializer(serializers.Serializer):
    unreplied = serializers.BooleanField(required=False, default=False)


def masked_name(username: str) -> str:
    """Reviewers are shown as Taobao shows them: first and last character."""
    if len(username) <= 2:
        return username[:1] + "***"
    return f"{username[0]}***{username[-1]}"


def review_data(review: Review, *, request=None, private: bool = False) -> dict:
    data = {
        "id": review.pk,
        "product": {"id": review.product_id},
        "sku": {"name": review.sku_name},
        "buyer": {"name": masked_name(review.buyer.username)},
        "rating": review.rating,
        "text": review.text,
        "photos": [
            {
                "id": p.pk,
                "url": absolute_url(request, p.image),
                "thumbnail_url": absolute_url(request, p.thumbnail or p.image),
            }
            for p in review.photos.all()
        ],
        "created_at": review.created_at,
        "reply": ({"text": review.reply_text, "at": review.replied_at} if review.replied_at else None),
    }
    if private:  # the author and the shop also see the shop scores and the moderation state
        data.update(
            {
                "order": {"number": review.order.number},
                "line": {"id": review.line_id},
                "as_described": review.as_described,
                "communication": review.communication,
                "shipping": review.shipping,
                "hidden": review.is_hidden,
                "hidden_reason": review.hidden_reason,
            }
        )
    return data


def review_summary_data(summary: ReviewSummary) -> dict:
    return {
        "rating": decimal_number(summary.rating),
        "review_count": summary.review_count,
        "histogram": {str(bar.stars): bar.count for bar in summary.histogram},
        "with_photos": summary.with_photos,
    }


class ReviewPhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    thumbnail_url = serializers.URLField()


class ReviewReplyOut(serializers.Serializer):
    text = serializers.CharField()
    at = serializers.DateTimeField()


class IdOut(serializers.Serializer):
    id = serializers.IntegerField()


class NameOut(serializers.Serializer):
    name = serializers.CharField()


class NumberOut(serializers.Serializer):
    number = serializers.CharField()


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    product = IdOut()
    sku = NameOut()
    buyer = NameOut()
    rating = serializers.IntegerField()
    text = serializers.CharField()
    photos = ReviewPhotoOut(many=True)
    created_at = serializers.DateTimeField()
    reply = ReviewReplyOut(allow_null=True)


class PrivateReviewOut(ReviewOut):
    order = NumberOut()
    line = IdOut()
    as_described = serializers.IntegerField()
    communication = serializers.IntegerField()
    shipping = serializers.IntegerField()
    hidden = serializers.BooleanField()
    hidden_reason = serializers.CharField()


class ReviewSummaryOut(serializers.Serializer):
    rating = serializers.FloatField(allow_null=True)
    review_count = serializers.IntegerField()
    histogram = serializers.DictField(child=serializers.IntegerField())
    with_photos = serializers.IntegerField()


class ProductReviewsPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    summary = ReviewSummaryOut()
    results = ReviewOut(many=True)


class SellerReviewsPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PrivateReviewOut(many=True)
