"""Input shapes for the live API, and the answer shapes it answers with (read by the OpenAPI schema too)."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from catalog.serializers import CurrencyField, MoneyField, SkuOut
from common.serializers import StrictCharField, absolute_url
from live.errors import MAX_TITLE, TITLE_MISSING, TITLE_TOO_LONG
from live.models import RoomMessage, ShowStatus
from shops.serializers import ShopRefOut

_TITLE = {"max_length": MAX_TITLE, "error_messages": {"max_length": TITLE_TOO_LONG, "blank": TITLE_MISSING}}


class ShowCreateInputSerializer(serializers.Serializer):
    # The service's rules and messages, declared here too (only spaces: the service refuses it).
    title = StrictCharField(trim_whitespace=False, **_TITLE)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    description = StrictCharField(required=False, allow_blank=True, max_length=2000)
    products = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    slow_mode_seconds = serializers.IntegerField(required=False, min_value=0, max_value=600)


class ShowUpdateInputSerializer(serializers.Serializer):
    title = StrictCharField(required=False, trim_whitespace=False, **_TITLE)
    starts_at = serializers.DateTimeField(required=False)
    description = StrictCharField(required=False, allow_blank=True, max_length=2000)
    products = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    slow_mode_seconds = serializers.IntegerField(required=False, min_value=0, max_value=600)


class MuteInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    # null: until the show ends
    minutes = serializers.IntegerField(min_value=1, max_value=10080, allow_null=True)


class CoverInputSerializer(serializers.Serializer):
    """Read by the schema; live.services.covers checks the image (JPEG, PNG or WebP, at most 10 MB)."""

    cover = serializers.FileField()


class EndInputSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=500)


@extend_schema_serializer(component_name="LiveReportInput")
class ReportInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=500)


class MessageListQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(required=False, min_value=0, max_value=2**63 - 1)

    def validate(self, attrs):
        return attrs


class PinInputSerializer(serializers.Serializer):
    """`product`: one of the shop's products on sale (checked by the service), or null to unpin."""

    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1, allow_null=True)


class ClickInputSerializer(serializers.Serializer):
    product = serializers.IntegerField(min_value=1, max_value=2**63 - 1)


class HookInputSerializer(serializers.Serializer):
    """nginx-rtmp's form fields (it sends more; these are the ones read)."""

    name = StrictCharField(max_length=200, allow_blank=True)
    addr = StrictCharField(required=False, allow_blank=True, max_length=200)
    app = StrictCharField(required=False, allow_blank=True, max_length=200)
    path = StrictCharField(required=False, allow_blank=True, max_length=1000)

    def validate_app(self, value):
        if value and value != "live":
            raise serializers.ValidationError(_("Unknown application."))
        return value


# --- answer shapes: what the API answers with (ShowOut(show).data) and what the schema reads -----------


class ShowListItemOut(serializers.Serializer):
    """`viewers` is read from the show as prepared by live.selectors.shows_viewers_attach."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=ShowStatus.values)
    shop = ShopRefOut()
    starts_at = serializers.DateTimeField(allow_null=True)
    viewers = serializers.IntegerField()
    hls_url = serializers.CharField(allow_null=True)
    room_url = serializers.CharField()
    cover_url = serializers.CharField(allow_null=True)
    cover_thumb_url = serializers.CharField(allow_null=True)


class PinnedProductOut(serializers.Serializer):
    """The room's card of the pinned product: price, stock left, the SKUs on sale (the sheet's picker).
    Read from a product with its active SKUs and photos prefetched (live.services.pins)."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    price_min = MoneyField()
    currency = CurrencyField()
    stock = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    skus = SkuOut(many=True, source="skus.all")

    @extend_schema_field(OpenApiTypes.INT)
    def get_stock(self, product) -> int:
        return sum(max(sku.stock, 0) for sku in product.skus.all())

    @extend_schema_field({"type": "string", "nullable": True})
    def get_thumbnail_url(self, product) -> str | None:
        images = list(product.images.all())
        if not images:
            return None
        return absolute_url(self.context.get("request"), images[0].thumbnail or images[0].image)

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, product) -> str:
        return reverse("product", args=[product.pk])


class ShowOut(ShowListItemOut):
    """`pinned` and `deal` are read from the show as prepared by live.selectors.show_detail_attach."""

    description = serializers.CharField()
    pinned = PinnedProductOut(allow_null=True, source="pinned_card")
    deal = serializers.JSONField(allow_null=True, help_text="The flash deal (deals app), or null.")
    likes = serializers.IntegerField()
    replay_url = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class IngestOut(serializers.Serializer):
    url = serializers.SerializerMethodField()
    stream_key = serializers.CharField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_url(self, show) -> str:
        return settings.LIVE_RTMP_URL


class SellerShowOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=ShowStatus.values)
    starts_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()
    slow_mode_seconds = serializers.IntegerField()
    products = serializers.ListField(child=serializers.IntegerField(), source="product_ids")
    pinned_product = serializers.IntegerField(
        source="pinned_product_id", allow_null=True, help_text="The product pinned now (POST …/pin/), or null."
    )
    room_url = serializers.CharField()
    hls_url = serializers.CharField(allow_null=True)
    replay_url = serializers.CharField(allow_null=True)
    likes = serializers.IntegerField()
    peak_viewers = serializers.IntegerField()
    cover_url = serializers.CharField(allow_null=True)
    cover_thumb_url = serializers.CharField(allow_null=True)
    ingest = IngestOut(source="*")


class RoomSenderOut(serializers.Serializer):
    id = serializers.IntegerField(source="sender_id")
    username = serializers.CharField(source="sender.username")
    role = serializers.ChoiceField(choices=RoomMessage.Role.values)


class RoomMessageOut(serializers.Serializer):
    """A room message, in the API and in the room's frames (serialised once: room_message_text)."""

    id = serializers.IntegerField()
    sender = RoomSenderOut(source="*")
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    client_id = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["client_id"] = data["client_id"] or None
        return data


def room_message_text(message: RoomMessage) -> str:
    """A room message as the JSON object the room's frames carry."""
    return json.dumps(RoomMessageOut(message).data, ensure_ascii=False)


class MuteOut(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    until = serializers.DateTimeField(allow_null=True)


@extend_schema_serializer(component_name="LiveReportOut")
class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    reported = serializers.BooleanField(default=True)


class ChapterOut(serializers.Serializer):
    """A replay chapter: a pinned product, from `offset` seconds into the video."""

    product = serializers.IntegerField(source="product_id")
    title = serializers.CharField(source="product.title")
    pinned_at = serializers.DateTimeField()
    unpinned_at = serializers.DateTimeField(allow_null=True)
    offset = serializers.IntegerField(source="offset_seconds")


class PinnedStatsOut(serializers.Serializer):
    product = serializers.IntegerField()
    title = serializers.CharField()
    clicks = serializers.IntegerField()
    orders = serializers.IntegerField()
    quantity = serializers.IntegerField()
    sales = MoneyField()


class ShowStatsOut(serializers.Serializer):
    """A show's statistics (live.services.show_stats): the room, the orders it brought, each pinned product,
    and the rows of the show's parts (deals, tips: live.extensions.SHOW_PARTS) by part name."""

    show = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ShowStatus.values)
    viewers_now = serializers.IntegerField()
    peak_viewers = serializers.IntegerField()
    unique_viewers = serializers.IntegerField()
    likes = serializers.IntegerField()
    messages = serializers.IntegerField()
    orders = serializers.IntegerField()
    paid_orders = serializers.IntegerField()
    sales = MoneyField(help_text="Total of the paid orders the show brought (refunded ones excluded).")
    currency = CurrencyField()
    pinned = PinnedStatsOut(many=True)
    parts = serializers.DictField(child=serializers.DictField(), help_text="Rows by part (deal, tips).")
