"""Input shapes for the chat API (outputs are the dicts from chat.presenters)."""

from rest_framework import serializers


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
            raise serializers.ValidationError("Use either before or after.")
        return attrs
