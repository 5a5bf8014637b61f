"""The only ways to fetch a payment a user may not be allowed to see."""

from __future__ import annotations

from common.errors import NotFound
from common.ids import parse_id
from payments.models import Payment


def access_buyer_payment(*, user, payment_id) -> Payment:
    if not user.is_authenticated:
        raise NotFound()
    payment = Payment.objects.filter(pk=parse_id(payment_id), buyer=user).first()
    if payment is None:
        raise NotFound()
    return payment
