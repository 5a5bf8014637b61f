from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import absolute_url
from shops.models import Shop, ShopMember, StaffInvitation


class ShopCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    province = serializers.CharField(max_length=30)
    city = serializers.CharField(max_length=30)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ShopUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=60, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    province = serializers.CharField(max_length=30, required=False)
    city = serializers.CharField(max_length=30, required=False)
    village = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True)
    logo = serializers.FileField(required=False)
    banner = serializers.FileField(required=False)


# --- answer shapes: what the API answers with and what the OpenAPI schema says (one source) ------------


class IsoDateTimeField(serializers.DateTimeField):
    """A stored time as ISO 8601 in the zone it was stored in (UTC), as the API has always written it."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return value.isoformat() if value else None


class ShopRefOut(serializers.Serializer):
    """A shop named in another object's answer (API.md: `"shop": {"slug", "name"}`)."""

    slug = serializers.CharField()
    name = serializers.CharField()


class FileUrlField(serializers.Field):
    """An uploaded file's absolute URL, or null without one."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str | None:
        return absolute_url(self.context.get("request"), value)

    def get_attribute(self, instance):
        # An empty FileField is falsy but not None: DRF would skip to_representation for None only.
        return super().get_attribute(instance) or None


extend_schema_field({"type": "string", "format": "uri", "nullable": True})(FileUrlField)


class ShopScoreOut(serializers.Serializer):
    rating = serializers.FloatField(allow_null=True, help_text="null before the first review")
    as_described = serializers.FloatField(source="score_as_described", allow_null=True)
    communication = serializers.FloatField(source="score_communication", allow_null=True)
    shipping = serializers.FloatField(source="score_shipping", allow_null=True)
    review_count = serializers.IntegerField()


class ShopOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    province = serializers.CharField()
    city = serializers.CharField()
    village = serializers.CharField()
    status = serializers.ChoiceField(choices=Shop.Status.values)
    logo_url = FileUrlField(source="logo")
    banner_url = FileUrlField(source="banner")
    score = ShopScoreOut(source="*")
    product_count = serializers.IntegerField()
    created_at = IsoDateTimeField()


class ShopCreatedOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Shop.Status.values)


# --- staff (子账号) ---------------------------------------------------------------------------------


class StaffInviteInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=254, help_text="The invitee's username or e-mail address.")


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class StaffMemberOut(serializers.Serializer):
    id = serializers.IntegerField()
    user = PersonOut()
    role = serializers.ChoiceField(choices=ShopMember.Role.values)
    joined_at = IsoDateTimeField(source="created_at")


class StaffInvitationOut(serializers.Serializer):
    id = serializers.IntegerField()
    shop = ShopRefOut()
    user = PersonOut()
    invited_by = PersonOut(allow_null=True)
    status = serializers.ChoiceField(choices=StaffInvitation.Status.values)
    expires_at = IsoDateTimeField()
    created_at = IsoDateTimeField()


class StaffLeftOut(serializers.Serializer):
    shop = ShopRefOut()
    status = serializers.ChoiceField(choices=["left"])


# --- a suspended shop's review request (its owner asks an operator to look again) ---------------------


class ShopReviewRequestSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class ShopModerationOut(serializers.Serializer):
    slug = serializers.CharField()
    status = serializers.ChoiceField(choices=Shop.Status.values)
    status_reason = serializers.CharField(help_text="the operator's reason for a suspension")
    review_requested_at = IsoDateTimeField(allow_null=True)
