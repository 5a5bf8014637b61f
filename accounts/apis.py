from django.utils import translation
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import serializers
from accounts.services import user_register, user_sessions_end, user_token_for_credentials, user_token_get_or_create
from common.errors import RateLimited
from common.openapi import api_errors
from common.ratelimit import RateLimiterUnavailable, client_address, rate_limit_check


class RegisterApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=serializers.RegisterInputSerializer, responses={201: serializers.RegisterOutputSerializer})
    @api_errors(RateLimited)
    def post(self, request):
        rate_limit_check(request=request, scope="register")
        data = serializers.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(**{"language": translation.get_language(), **data.validated_data})
        token = user_token_get_or_create(user=user)
        return Response({"id": user.id, "username": user.username, "token": token}, status=status.HTTP_201_CREATED)


class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=serializers.TokenInputSerializer,
        responses={200: serializers.TokenOutputSerializer},
        description="429 `rate_limited` while the account or address is locked out after failed log-ins; "
        "503 `temporarily_unavailable` (with Retry-After) while the lockout's counter cannot be reached: "
        "no password is checked then.",
    )
    @api_errors(RateLimited, RateLimiterUnavailable)
    def post(self, request):
        rate_limit_check(request=request, scope="login")
        data = serializers.TokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = user_token_for_credentials(
            **data.validated_data, address=client_address(request), language=translation.get_language()
        )
        return Response({"token": token})


class LogoutEverywhereApi(APIView):
    """Ends every session and API token of the signed-in person (this request's token too) and closes
    their open sockets. A lost phone, a shared computer: everything must log in again."""

    @extend_schema(request=None, responses={200: serializers.LogoutEverywhereOutputSerializer})
    def post(self, request):
        ended = user_sessions_end(user=request.user)
        return Response({"sessions_ended": ended.sessions, "tokens_ended": ended.tokens})
