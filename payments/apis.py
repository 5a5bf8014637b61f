"""The payments API: the buyer's sandbox approval, and the provider's signed notification."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.money import money_str
from payments.access import access_buyer_payment
from payments.models import Payment
from payments.services import payment_notification_receive, payment_pay_url, payment_sandbox_approve


def payment_data(payment: Payment) -> dict:
    return {
        "id": payment.pk,
        "amount": money_str(payment.amount),
        "currency": payment.currency,
        "status": payment.status,
        "reference": payment.reference,
        "pay_url": payment_pay_url(payment=payment),
    }


class PaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    status = serializers.CharField()
    reference = serializers.CharField()
    pay_url = serializers.CharField()


class PaymentApi(APIView):
    @extend_schema(responses=PaymentOut)
    def get(self, request, payment_id: int):
        return Response(payment_data(access_buyer_payment(user=request.user, payment_id=payment_id)))


class SandboxPayApi(APIView):
    @extend_schema(request=None, responses=PaymentOut)
    def post(self, request, payment_id: int):
        payment = access_buyer_payment(user=request.user, payment_id=payment_id)
        return Response(payment_data(payment_sandbox_approve(payment=payment)))


class SandboxNotifyApi(APIView):
    """Provider → us. No session or token: the HMAC signature over the raw body is the authentication."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request={
            "application/json": inline_serializer(
                "SandboxNotification",
                {
                    "event_id": serializers.CharField(),
                    "type": serializers.CharField(),
                    "payment_id": serializers.IntegerField(),
                    "amount": serializers.CharField(),
                    "currency": serializers.CharField(),
                    "created": serializers.IntegerField(),
                },
            )
        },
        responses=inline_serializer(
            "NotificationReceived", {"received": serializers.BooleanField(), "duplicate": serializers.BooleanField()}
        ),
    )
    def post(self, request):
        event = payment_notification_receive(provider_name="sandbox", body=request.body, headers=dict(request.headers))
        return Response({"received": True, "duplicate": event is None})
