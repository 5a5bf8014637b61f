from django.db.models import Model
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import html

from common.serializers import absolute_url
from shops.models import Shop, ShopMember, StaffInvitation
from shops.services.staff import INVITEE_MAX_LENGTH
from shops.services.status import REVIEW_NOTE_MAX_LENGTH


class TextInput(serializers.CharField):
    """Text a client sends: a JSON string only (DRF's CharField would take 0 for "0"), and in a multipart form
    an empty value is checked like JSON's "" (DRF would drop it from an optional field), so both say the same."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and self.field_name in dictionary:
            return dictionary.get(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


# What TextInput and the services' clean_text accept, stated in the schema: no NUL (DRF refuses it) and, where
# the text is required, at least one character that is not whitespace or a control character (those are
# stripped first, so a text of nothing else is "required").
_NO_NUL = r"^[^\u0000]+$"  # "" is the schema's own blank alternative
_SOMETHING_VISIBLE = r"^[^\u0000]*[^\s\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069][^\u0000]*$"


class TextInputSchema(OpenApiSerializerFieldExtension):
    target_class = TextInput

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = _NO_NUL if self.target.allow_blank else _SOMETHING_VISIBLE
        return schema


def model_text_field(model: type[Model], name: str, *, partial: bool = False) -> TextInput:
    """An input for a text of `model`, with its model field's rule (what the services' text checks enforce):
    max_length; required unless the field may be blank (or the input is a partial update)."""
    model_field = model._meta.get_field(name)
    extra = {"required": False} if partial or model_field.blank else {}
    if model_field.blank and not partial:
        extra["default"] = ""
    return TextInput(max_length=model_field.max_length, allow_blank=model_field.blank, **extra)


class PictureInput(serializers.FileField):
    """A new logo or banner (multipart); an empty form value means "no change", as leaving the field out."""

    def get_value(self, dictionary):
        value = super().get_value(dictionary)
        return serializers.empty if value == "" else value


class ShopCreateInputSerializer(serializers.Serializer):
    name = model_text_field(Shop, "name")
    description = model_text_field(Shop, "description")
    province = model_text_field(Shop, "province")
    city = model_text_field(Shop, "city")
    village = model_text_field(Shop, "village")
    contact = model_text_field(Shop, "contact")


class ShopUpdateInputSerializer(serializers.Serializer):
    name = model_text_field(Shop, "name", partial=True)
    description = model_text_field(Shop, "description", partial=True)
    province = model_text_field(Shop, "province", partial=True)
    city = model_text_field(Shop, "city", partial=True)
    village = model_text_field(Shop, "village", partial=True)
    contact = model_text_field(Shop, "contact", partial=True)
    logo = PictureInput(required=False)
    banner = PictureInput(required=False)


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
    status = serializers.ChoiceField(choices=Shop.Status.choices)
    logo_url = FileUrlField(source="logo")
    banner_url = FileUrlField(source="banner")
    score = ShopScoreOut(source="*")
    product_count = serializers.IntegerField()
    created_at = IsoDateTimeField()


class ShopCreatedOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=Shop.Status.choices)


# --- staff (子账号) ---------------------------------------------------------------------------------


class StaffInviteInputSerializer(serializers.Serializer):
    user = serializers.CharField(max_length=INVITEE_MAX_LENGTH, help_text="The invitee's username or e-mail address.")


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
    note = TextInput(required=False, allow_blank=True, max_length=REVIEW_NOTE_MAX_LENGTH, default="")


class ShopModerationOut(serializers.Serializer):
    slug = serializers.CharField()
    status = serializers.ChoiceField(choices=Shop.Status.choices)
    status_reason = serializers.CharField(help_text="the operator's reason for a suspension")
    review_requested_at = IsoDateTimeField(allow_null=True)
