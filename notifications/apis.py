from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination, paginated
from common.errors import NotFound
from common.openapi import api_errors
from notifications.selectors import notifications_for, unread_count
from notifications.serializers import NotificationOut, NotificationsRead, ReadIn
from notifications.services import notifications_mark_read


class NotificationListApi(APIView):
    @extend_schema(responses=paginated(NotificationOut, unread=serializers.IntegerField()))
    @api_errors(NotFound)  # a page past the last one
    def get(self, request):
        """The person's notifications, newest first, in the request's language."""
        paginator = Pagination()
        page = paginator.paginate_queryset(notifications_for(user=request.user), request, view=self)
        response = paginator.get_paginated_response(NotificationOut(page, many=True).data)
        response.data["unread"] = unread_count(user=request.user)
        return response


class NotificationReadApi(APIView):
    @extend_schema(request=ReadIn, responses=NotificationsRead)
    def post(self, request):
        data = ReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        marked = notifications_mark_read(user=request.user, ids=data.validated_data.get("ids"))
        return Response(NotificationsRead({"marked": marked, "unread": unread_count(user=request.user)}).data)
