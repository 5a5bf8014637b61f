from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination, paginated
from notifications.selectors import notifications_for, unread_count
from notifications.services import notification_payload, notifications_mark_read


class NotificationOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    text = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.BooleanField()


class ReadIn(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        max_length=1000,
        help_text="omit to mark everything read",
    )


class NotificationListApi(APIView):
    @extend_schema(responses=paginated(NotificationOut, unread=serializers.IntegerField()))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(notifications_for(user=request.user), request, view=self)
        response = paginator.get_paginated_response([notification_payload(n) for n in page])
        response.data["unread"] = unread_count(user=request.user)
        return response


class NotificationReadApi(APIView):
    @extend_schema(
        request=ReadIn,
        responses=inline_serializer(
            "NotificationsRead", {"marked": serializers.IntegerField(), "unread": serializers.IntegerField()}
        ),
    )
    def post(self, request):
        data = ReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response({"marked": marked, "unread": unread_count(user=request.user)})
