from rest_framework import serializers

from common.serializers import FileUrlField, IsoDateTimeField, TextInput, model_text_field
from shops.models import Shop, ShopMember, StaffInvitation
from shops.services.staff import INVITEE_MAX_LENGTH
from shops.services.status import REVIEW_NOTE_MAX_LENGTH


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


class ShopRefOut(serializers.Serializer):
    """A shop named in another object's answer (API.md: `"shop": {"slug", "name"}`)."""

    slug = serializers.CharField()
    name = serializers.CharField()


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
