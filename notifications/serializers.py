"""The shapes of notifications: the API's answers and the socket's frames come from these serializers."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.serializers import IsoDateTimeField
from notifications.models import Kind, Notification


class NotificationOut(serializers.Serializer):
    """Rendered in `context["language"]` (the recipient's, for a push) or, without it, the active language."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    text = serializers.SerializerMethodField()
    url = serializers.CharField()
    created_at = IsoDateTimeField()
    read = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_text(self, notification: Notification) -> str:
        return notification.render(self.context.get("language"))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_read(self, notification: Notification) -> bool:
        return notification.read_at is not None


class NotificationFrame(serializers.Serializer):
    """/ws/notifications/: a new notification, pushed, with the person's unread count."""

    type = serializers.ChoiceField(choices=["notification"])
    notification = NotificationOut()
    unread = serializers.IntegerField(allow_null=True)


class UnreadFrame(serializers.Serializer):
    """/ws/notifications/: the unread count, sent once when the socket opens."""

    type = serializers.ChoiceField(choices=["unread"])
    unread = serializers.IntegerField()


class ReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="omit to mark everything read",
    )


class NotificationsRead(serializers.Serializer):
    marked = serializers.IntegerField()
    unread = serializers.IntegerField()
