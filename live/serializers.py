"""Input shapes for the live API, and answer shapes for the OpenAPI schema (live.presenters builds them)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class ShowCreateInputSerializer(serializers.Serializer):
    # Not limited here: the service answers with the documented messages.
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    products = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    slow_mode_seconds = serializers.IntegerField(required=False, min_value=0, max_value=600)


class ShowUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    starts_at = serializers.DateTimeField(required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    products = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=50)
    slow_mode_seconds = serializers.IntegerField(required=False, min_value=0, max_value=600)


class MuteInputSerializer(serializers.Serializer):
    user = serializers.IntegerField(min_value=1)
    # null: until the show ends
    minutes = serializers.IntegerField(min_value=1, max_value=10080, allow_null=True)


class EndInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


@extend_schema_serializer(component_name="LiveReportInput")
class ReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MessageListQuerySerializer(serializers.Serializer):
    after = serializers.IntegerField(required=False, min_value=0)

    def validate(self, attrs):
        return attrs


class HookInputSerializer(serializers.Serializer):
    """nginx-rtmp's form fields (it sends more; these are the ones read)."""

    name = serializers.CharField(max_length=200, allow_blank=True)
    addr = serializers.CharField(required=False, allow_blank=True, max_length=200)
    app = serializers.CharField(required=False, allow_blank=True, max_length=200)
    path = serializers.CharField(required=False, allow_blank=True, max_length=1000)

    def validate_app(self, value):
        if value and value != "live":
            raise serializers.ValidationError(_("Unknown application."))
        return value


# --- answer shapes ---------------------------------------------------------------------------------


@extend_schema_serializer(component_name="LiveShopRefOut")
class ShopRefOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class ShowListItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=["scheduled", "live", "ended"])
    shop = ShopRefOut()
    starts_at = serializers.DateTimeField(allow_null=True)
    viewers = serializers.IntegerField()
    hls_url = serializers.CharField(allow_null=True)
    room_url = serializers.CharField()


class ShowOut(ShowListItemOut):
    description = serializers.CharField()
    pinned = serializers.JSONField(allow_null=True)
    deal = serializers.JSONField(allow_null=True)
    likes = serializers.IntegerField()
    replay_url = serializers.CharField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)


class IngestOut(serializers.Serializer):
    url = serializers.CharField()
    stream_key = serializers.CharField()


class SellerShowOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=["scheduled", "live", "ended"])
    starts_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    end_reason = serializers.CharField()
    slow_mode_seconds = serializers.IntegerField()
    products = serializers.ListField(child=serializers.IntegerField())
    room_url = serializers.CharField()
    hls_url = serializers.CharField(allow_null=True)
    replay_url = serializers.CharField(allow_null=True)
    likes = serializers.IntegerField()
    peak_viewers = serializers.IntegerField()
    ingest = IngestOut()


class RoomSenderOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=["viewer", "seller", "moderator"])


class RoomMessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    sender = RoomSenderOut()
    text = serializers.CharField()
    created_at = serializers.DateTimeField()
    client_id = serializers.CharField(allow_null=True)


class MuteOut(serializers.Serializer):
    user = serializers.IntegerField()
    until = serializers.DateTimeField(allow_null=True)
