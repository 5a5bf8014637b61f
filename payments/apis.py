"""The payments API: the buyer's sandbox approval, and the provider's signed notification."""

from __future__ import annotations

from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from payments.access import access_buyer_payment
from payments.models import Payment
from payments.services import payment_notification_receive, payment_pay_url, payment_sandbox_approve


def payment_data(payment: Payment) -> dict:
    return {"id": payment.pk, "amount": f"{payment.amount:.2f}", "currency": payment.currency,
            "status": payment.status, "reference": payment.reference, "pay_url": payment_pay_url(payment=payment)}


class PaymentApi(APIView):
    def get(self, request, payment_id: int):
        return Response(payment_data(access_buyer_payment(user=request.user, payment_id=payment_id)))


class SandboxPayApi(APIView):
    def post(self, request, payment_id: int):
        payment = access_buyer_payment(user=request.user, payment_id=payment_id)
        return Response(payment_data(payment_sandbox_approve(payment=payment)))


class SandboxNotifyApi(APIView):
    """Provider → us. No session or token: the HMAC signature over the raw body is the authentication."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def post(self, request):
        event = payment_notification_receive(provider_name="sandbox", body=request.body,
                                             headers=dict(request.headers))
        return Response({"received": True, "duplicate": event is None})
