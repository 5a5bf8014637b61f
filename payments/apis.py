"""The payments API: the buyer's sandbox approval, and the provider's signed notification."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import InvalidState
from common.openapi import api_errors
from payments.access import access_buyer_payment
from payments.errors import InvalidSignature, NotificationRejected
from payments.providers.sandbox import SIGNATURE_HEADER
from payments.serializers import (
    SIGNATURE_HEADER_DESCRIPTION,
    NotificationReceivedOut,
    PaymentOut,
    SandboxNotificationIn,
)
from payments.services import payment_notification_receive, payment_sandbox_approve


class PaymentApi(APIView):
    @extend_schema(responses=PaymentOut)
    def get(self, request, payment_id: int):
        return Response(PaymentOut(access_buyer_payment(user=request.user, payment_id=payment_id)).data)


class SandboxPayApi(APIView):
    @extend_schema(request=None, responses=PaymentOut)
    @api_errors(InvalidState, NotificationRejected)
    def post(self, request, payment_id: int):
        payment = access_buyer_payment(user=request.user, payment_id=payment_id)
        return Response(PaymentOut(payment_sandbox_approve(payment=payment)).data)


class SandboxNotifyApi(APIView):
    """Provider → us. No session or token: the HMAC signature over the raw body is the authentication."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [JSONParser]  # what the schema states: the service reads the raw body as JSON

    @extend_schema(
        request=SandboxNotificationIn,
        parameters=[
            OpenApiParameter(
                SIGNATURE_HEADER, str, OpenApiParameter.HEADER, required=True, description=SIGNATURE_HEADER_DESCRIPTION
            )
        ],
        responses=NotificationReceivedOut,
    )
    @api_errors(InvalidSignature, NotificationRejected)
    def post(self, request):
        event = payment_notification_receive(provider_name="sandbox", body=request.body, headers=dict(request.headers))
        return Response(NotificationReceivedOut({"received": True, "duplicate": event is None}).data)
