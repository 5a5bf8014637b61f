"""The chat HTTP API (API.md, "Chat"). It works without a socket; writes broadcast like socket sends."""

from __future__ import annotations

from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from chat import serializers
from chat.access import access_conversation
from chat.errors import MessageTooLong, OwnShopError
from chat.selectors import conversation_list, message_count, message_page
from chat.services import conversation_mark_read, conversation_report, conversation_start, message_send
from common.api import Pagination, paginated
from common.errors import NotFound, RateLimited
from common.images import ImageTooLarge, InvalidImage
from common.openapi import api_errors
from common.parsers import JSONParser
from safety.errors import ChatMuted
from shops.access import access_public_shop


class ConversationListApi(APIView):
    @extend_schema(
        operation_id="conversations_list",
        parameters=[serializers.ConversationListQuerySerializer],
        responses=paginated(serializers.ConversationOut),
    )
    @api_errors(NotFound)  # a page past the last one
    def get(self, request):
        # A plain dict: in a QueryDict DRF takes an empty value (`?as=`) for "not given".
        query = serializers.ConversationListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        role = query.validated_data["as"]
        paginator = Pagination()
        page = paginator.paginate_queryset(conversation_list(user=request.user, role=role), request, view=self)
        rows = serializers.ConversationOut(page, many=True, context={"role": role}).data
        return paginator.get_paginated_response(rows)

    @extend_schema(
        request=serializers.ConversationStartInputSerializer,
        responses={200: serializers.ConversationOut, 201: serializers.ConversationOut},
    )
    @api_errors(OwnShopError, NotFound, RateLimited)
    def post(self, request):
        data = serializers.ConversationStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        shop = access_public_shop(user=request.user, slug=data.validated_data["shop"])
        conversation, created = conversation_start(
            buyer=request.user, shop=shop, product=data.validated_data.get("product")
        )
        conversation = access_conversation(request.user, conversation.pk)
        body = serializers.ConversationOut(conversation, context={"role": "buyer"}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ConversationDetailApi(APIView):
    @extend_schema(responses=serializers.ConversationOut)
    def get(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        return Response(serializers.ConversationOut(conversation, context={"role": conversation.viewer_role}).data)


class MessageListApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(parameters=[serializers.MessageListQuerySerializer], responses=paginated(serializers.MessageOut))
    def get(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        query = serializers.MessageListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        page = message_page(
            conversation=conversation,
            viewer_role=conversation.viewer_role,
            before=params.get("before"),
            after=params.get("after"),
            limit=params["limit"],
        )
        base = request.build_absolute_uri(request.path)
        results = serializers.MessageOut(page.messages, many=True).data

        def link(**kwargs) -> str:
            return f"{base}?{urlencode({**kwargs, 'limit': params['limit']})}"

        next_url = link(after=results[-1]["id"]) if page.has_newer and results else None
        previous_url = link(before=results[0]["id"]) if page.has_older and results else None
        return Response(
            {
                "count": message_count(conversation=conversation, viewer_role=conversation.viewer_role),
                "next": next_url,
                "previous": previous_url,
                "results": results,
            }
        )

    @extend_schema(request=serializers.MessageSendInputSerializer, responses={201: serializers.MessageOut})
    @api_errors(MessageTooLong, InvalidImage, ImageTooLarge, RateLimited, ChatMuted)
    def post(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        data = serializers.MessageSendInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = message_send(
            user=request.user,
            conversation=conversation,
            text=data.validated_data.get("text"),
            product=data.validated_data.get("product"),
            image=data.validated_data.get("image"),
            client_id=data.validated_data.get("client_id"),
        )
        return Response(serializers.MessageOut(message).data, status=status.HTTP_201_CREATED)


class ReadApi(APIView):
    @extend_schema(request=serializers.ReadInputSerializer, responses=serializers.ReadOut)
    def post(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        data = serializers.ReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        unread = conversation_mark_read(
            user=request.user, conversation=conversation, up_to=data.validated_data["up_to"]
        )
        return Response(serializers.ReadOut({"up_to": data.validated_data["up_to"], "unread": unread}).data)


class ReportApi(APIView):
    @extend_schema(request=serializers.ReportInputSerializer, responses=serializers.ConversationReportOut)
    def post(self, request, conversation_id: int):
        conversation = access_conversation(request.user, conversation_id)
        data = serializers.ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        conversation = conversation_report(
            user=request.user, conversation=conversation, reason=data.validated_data["reason"]
        )
        return Response(serializers.ConversationReportOut(conversation).data)
