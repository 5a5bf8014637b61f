"""API input validation and output shapes for reviews: a buyer's review, the seller's reply, review pages."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import FileUrlField, absolute_url, decimal_number
from orders.models import REVIEW_MAX_PHOTOS, REVIEW_MAX_TEXT, Review
from orders.selectors.reviews import ReviewSummary
from orders.serializers.orders import TimeOut

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


# --- answers ----------------------------------------------------------------------------------------


class ReviewPhotoOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = FileUrlField(source="image")
    thumbnail_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_thumbnail_url(self, photo) -> str:
        return absolute_url(self.context.get("request"), photo.thumbnail or photo.image)


class ReviewReplyOut(serializers.Serializer):
    text = serializers.CharField(source="reply_text")
    at = TimeOut(source="replied_at")


class IdOut(serializers.Serializer):
    id = serializers.IntegerField()


class NameOut(serializers.Serializer):
    name = serializers.CharField()


class NumberOut(serializers.Serializer):
    number = serializers.CharField()


class _ReviewProduct(serializers.Serializer):
    id = serializers.IntegerField(source="product_id")


class _ReviewSku(serializers.Serializer):
    name = serializers.CharField(source="sku_name")


class _Reviewer(serializers.Serializer):
    name = serializers.SerializerMethodField()

    def get_name(self, review: Review) -> str:
        return masked_name(review.buyer.username)


class _ReviewOrder(serializers.Serializer):
    number = serializers.CharField(source="order.number")


class _ReviewLine(serializers.Serializer):
    id = serializers.IntegerField(source="line_id")


class ReviewOut(serializers.Serializer):
    """A public review (`context["request"]` makes the photo URLs absolute)."""

    id = serializers.IntegerField(source="pk")
    product = _ReviewProduct(source="*")
    sku = _ReviewSku(source="*")
    buyer = _Reviewer(source="*")
    rating = serializers.IntegerField()
    text = serializers.CharField()
    photos = ReviewPhotoOut(many=True, source="photos.all")
    created_at = TimeOut()
    reply = serializers.SerializerMethodField()

    @extend_schema_field(ReviewReplyOut(allow_null=True))
    def get_reply(self, review: Review) -> dict | None:
        return ReviewReplyOut(review).data if review.replied_at else None


class PrivateReviewOut(ReviewOut):
    """What the author and the shop also see: the shop scores and the moderation state."""

    order = _ReviewOrder(source="*")
    line = _ReviewLine(source="*")
    as_described = serializers.IntegerField()
    communication = serializers.IntegerField()
    shipping = serializers.IntegerField()
    hidden = serializers.BooleanField(source="is_hidden")
    hidden_reason = serializers.CharField()


class ReviewSummaryOut(serializers.Serializer):
    """`orders.selectors.ReviewSummary`."""

    rating = serializers.SerializerMethodField()
    review_count = serializers.IntegerField()
    histogram = serializers.SerializerMethodField()
    with_photos = serializers.IntegerField()

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rating(self, summary: ReviewSummary) -> float | None:
        return decimal_number(summary.rating)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_histogram(self, summary: ReviewSummary) -> dict[str, int]:
        return {str(bar.stars): bar.count for bar in summary.histogram}


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
