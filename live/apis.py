"""The live-selling HTTP API (API.md, "Live selling", part 1) and nginx-rtmp's callbacks."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import Pagination, paginated
from common.errors import InvalidState, NotFound
from common.images import ImageTooLarge, InvalidImage
from common.openapi import api_errors
from live import serializers
from live.access import MODERATOR, access_public_show, access_seller_show
from live.errors import HookRefused, ShopBarredFromLive, StreamRefused
from live.selectors import (
    room_history,
    show_detail_attach,
    show_list_public,
    show_list_seller,
    shows_viewers_attach,
)
from live.services.covers import show_cover_set
from live.services.pins import pin_click, show_chapters, show_pin
from live.services.room import room_message_report, room_mute
from live.services.show_stats import show_statistics
from live.services.shows import (
    hook_secret_check,
    show_create,
    show_end,
    show_stream_key_rotate,
    show_update,
    stream_publish,
    stream_publish_done,
    stream_record_done,
    stream_update,
)
from shops.access import access_seller_shop


class SellerShowListApi(APIView):
    @extend_schema(operation_id="seller_shows_list", responses=paginated(serializers.SellerShowOut))
    def get(self, request):
        shop = access_seller_shop(user=request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(show_list_seller(shop=shop).prefetch_related("products"), request, view=self)
        return paginator.get_paginated_response(serializers.SellerShowOut(page, many=True).data)

    @api_errors(InvalidState, ShopBarredFromLive)
    @extend_schema(request=serializers.ShowCreateInputSerializer, responses={201: serializers.SellerShowOut})
    def post(self, request):
        shop = access_seller_shop(user=request.user)
        data = serializers.ShowCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        show = show_create(shop=shop, **data.validated_data)
        return Response(serializers.SellerShowOut(show).data, status=status.HTTP_201_CREATED)


class SellerShowDetailApi(APIView):
    @extend_schema(responses=serializers.SellerShowOut)
    def get(self, request, show_id: int):
        return Response(serializers.SellerShowOut(access_seller_show(user=request.user, show_id=show_id)).data)

    @api_errors(InvalidState)
    @extend_schema(request=serializers.ShowUpdateInputSerializer, responses=serializers.SellerShowOut)
    def patch(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        data = serializers.ShowUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(serializers.SellerShowOut(show_update(show=show, **data.validated_data)).data)


class SellerShowStreamKeyApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=None, responses=serializers.SellerShowOut)
    def post(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        return Response(serializers.SellerShowOut(show_stream_key_rotate(show=show)).data)


class SellerShowCoverApi(APIView):
    """The show's cover (multipart `cover`): checked, re-encoded and thumbnailed; replaces the old one."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": serializers.CoverInputSerializer}, responses=serializers.SellerShowOut
    )
    @api_errors(InvalidImage, ImageTooLarge)
    def post(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        return Response(serializers.SellerShowOut(show_cover_set(show=show, upload=request.FILES.get("cover"))).data)


class SellerShowEndApi(APIView):
    @extend_schema(request=serializers.EndInputSerializer, responses=serializers.SellerShowOut)
    def post(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        data = serializers.EndInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        show = show_end(show_id=show.pk, reason=data.validated_data.get("reason", ""))
        return Response(serializers.SellerShowOut(show).data)


class SellerShowMutesApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=serializers.MuteInputSerializer, responses={201: serializers.MuteOut})
    def post(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id, role=MODERATOR)
        data = serializers.MuteInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        restriction = room_mute(
            show=show, by=request.user, user_id=data.validated_data["user"], minutes=data.validated_data["minutes"]
        )
        return Response(serializers.MuteOut(restriction).data, status=status.HTTP_201_CREATED)


class SellerShowPinApi(APIView):
    """Pins one of the shop's products on sale (`{product}`) or unpins (`{product: null}`): every viewer
    gets a `pinned` frame."""

    @api_errors(InvalidState)
    @extend_schema(request=serializers.PinInputSerializer, responses=serializers.ShowOut)
    def post(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        data = serializers.PinInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        show = show_pin(show=show, product=data.validated_data["product"])
        (show,) = shows_viewers_attach([show])
        return Response(serializers.ShowOut(show_detail_attach(show), context={"request": request}).data)


class SellerShowStatsApi(APIView):
    """The show's statistics, during and after it (viewers, likes, messages, attributed orders and sales,
    each pinned product's clicks and orders, the parts' rows)."""

    @extend_schema(responses=serializers.ShowStatsOut)
    def get(self, request, show_id: int):
        show = access_seller_show(user=request.user, show_id=show_id)
        return Response(serializers.ShowStatsOut(show_statistics(show=show)).data)


class ShowChaptersApi(APIView):
    """The replay's chapters: each pinned product and its offset (seconds) into the video."""

    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.ChapterOut(many=True))
    def get(self, request, show_id: int):
        show = access_public_show(user=request.user, show_id=show_id)
        return Response(serializers.ChapterOut(show_chapters(show=show), many=True).data)


class ShowClickApi(APIView):
    """A viewer opened the pinned product's card (`{product}`): counted for the show's statistics, when it
    is the product pinned now. 204."""

    permission_classes = [AllowAny]

    @extend_schema(request=serializers.ClickInputSerializer, responses={204: None})
    def post(self, request, show_id: int):
        show = access_public_show(user=request.user, show_id=show_id)
        data = serializers.ClickInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pin_click(show=show, product=data.validated_data["product"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class ShowListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(operation_id="shows_list", responses=paginated(serializers.ShowListItemOut))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(show_list_public(), request, view=self)
        return paginator.get_paginated_response(serializers.ShowListItemOut(shows_viewers_attach(page), many=True).data)


class ShowDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=serializers.ShowOut)
    def get(self, request, show_id: int):
        show = access_public_show(user=request.user, show_id=show_id)
        (show,) = shows_viewers_attach([show])
        return Response(serializers.ShowOut(show_detail_attach(show), context={"request": request}).data)


class ShowMessagesApi(APIView):
    """The room's last 50 messages, or those after `?after=` (what a socket sends on join)."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[serializers.MessageListQuerySerializer], responses=serializers.RoomMessageOut(many=True))
    def get(self, request, show_id: int):
        show = access_public_show(user=request.user, show_id=show_id)
        query = serializers.MessageListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        history = room_history(show=show, after=query.validated_data.get("after"))
        return Response(serializers.RoomMessageOut(history, many=True).data)


class ShowMessageReportApi(APIView):
    @extend_schema(request=serializers.ReportInputSerializer, responses=serializers.ReportOut)
    def post(self, request, show_id: int, message_id: int):
        show = access_public_show(user=request.user, show_id=show_id)
        data = serializers.ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        message = room_message_report(
            show=show, user=request.user, message_id=message_id, reason=data.validated_data["reason"]
        )
        return Response(serializers.ReportOut(message).data)


# --- nginx-rtmp's callbacks (form POSTs from the project's nginx; LIVE_HOOK_SECRET in the query) -------


class _HookApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser]

    def hook_input(self, request) -> dict:
        hook_secret_check(request.query_params.get("secret"))
        data = serializers.HookInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class PublishHookApi(_HookApi):
    """2xx/3xx accepts the stream; the 302's Location renames it to the show's public id (nginx-rtmp
    renames a published stream to a Location that is not an rtmp:// URL), so HLS files never carry the key."""

    @api_errors(HookRefused, NotFound, StreamRefused, ShopBarredFromLive)
    @extend_schema(request=serializers.HookInputSerializer, responses={302: None})
    def post(self, request):
        data = self.hook_input(request)
        show = stream_publish(key=data["name"], addr=data.get("addr", ""))
        response = HttpResponse(status=302)
        response["Location"] = show.public_id
        return response


class UpdateHookApi(_HookApi):
    @api_errors(HookRefused, StreamRefused)
    @extend_schema(request=serializers.HookInputSerializer, responses={200: None})
    def post(self, request):
        data = self.hook_input(request)
        stream_update(name=data["name"])
        return HttpResponse(status=200)


class PublishDoneHookApi(_HookApi):
    @api_errors(HookRefused)
    @extend_schema(request=serializers.HookInputSerializer, responses={200: None})
    def post(self, request):
        data = self.hook_input(request)
        stream_publish_done(name=data["name"])
        return HttpResponse(status=200)


class RecordDoneHookApi(_HookApi):
    @api_errors(HookRefused, NotFound)
    @extend_schema(request=serializers.HookInputSerializer, responses={200: None})
    def post(self, request):
        data = self.hook_input(request)
        stream_record_done(name=data["name"], path=data.get("path", ""))
        return HttpResponse(status=200)
