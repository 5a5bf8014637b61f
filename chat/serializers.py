"""Input shapes for the chat API (outputs are the dicts from chat.presenters)."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from shops.serializers import ShopRefOut


class ConversationStartInputSerializer(serializers.Serializer):
    shop = serializers.CharField(max_length=80)
    product = serializers.IntegerField(required=False, allow_null=True)


class MessageSendInputSerializer(serializers.Serializer):
    # Not limited here: the service answers an over-long text with `message_too_long`.
    text = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    product = serializers.IntegerField(required=False, allow_null=True)
    image = serializers.ImageField(required=False, allow_null=True)
    client_id = serializers.CharField(required=False, allow_blank=True, max_length=64)


class ReadInputSerializer(serializers.Serializer):
    up_to = serializers.IntegerField(min_value=0)


class ReportInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MessageListQuerySerializer(serializers.Serializer):
    before = serializers.IntegerField(required=False, min_value=0)
    after = serializers.IntegerField(required=False, min_value=0)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=200, default=50)

    def validate(self, attrs):
        if "before" in attrs and "after" in attrs:
            raise serializers.ValidationError(_("Use either before or after."))
        return attrs


# --- answer shapes, for the OpenAPI schema (chat/presenters.py builds what is sent) ---------------


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class SenderOut(UserOut):
    role = serializers.ChoiceField(choices=["buyer", "seller"])


class ProductCardOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    price = serializers.CharField()
    currency = serializers.CharField()
    image_url = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class MessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField()
    sender = SenderOut()
    text = serializers.CharField()
    product = ProductCardOut(allow_null=True)
    image_url = serializers.CharField(allow_null=True)
    created_at = serializers.DateTimeField()
    client_id = serializers.CharField(allow_null=True)


class LastMessageOut(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    sender_role = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProductRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ConversationOut(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.ChoiceField(choices=["buyer", "seller"])
    shop = ShopRefOut()
    buyer = UserOut()
    product = ProductRefOut(allow_null=True)
    unread = serializers.IntegerField()
    last_message = LastMessageOut(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    other_last_read_id = serializers.IntegerField(allow_null=True)
    reported = serializers.BooleanField()


class ReadOut(serializers.Serializer):
    up_to = serializers.IntegerField()
    unread = serializers.IntegerField()


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    reported = serializers.BooleanField()
