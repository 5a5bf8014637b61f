"""The only ways to fetch a payment a user may not be allowed to see."""

from __future__ import annotations

from common.errors import NotFound
from payments.models import Payment

MAX_ID = 2**63 - 1


def parse_id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound() from exc
    if not 0 < number <= MAX_ID:
        raise NotFound()
    return number


def access_buyer_payment(*, user, payment_id) -> Payment:
    if not user.is_authenticated:
        raise NotFound()
    payment = Payment.objects.filter(pk=parse_id(payment_id), buyer=user).first()
    if payment is None:
        raise NotFound()
    return payment
