"""The tipping rules from settings: the fixed amounts, the caps, the commission and the payment deadline."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from common.errors import ValidationFailed
from common.money import quantize


def tip_amounts() -> list[Decimal]:
    """The fixed amounts a viewer chooses from (TIP_AMOUNTS), smallest first."""
    return sorted(quantize(Decimal(str(a))) for a in settings.TIP_AMOUNTS)


def tip_commission(amount: Decimal) -> Decimal:
    return quantize(amount * Decimal(str(settings.TIP_COMMISSION_RATE)))


def tip_payment_deadline() -> timedelta:
    return timedelta(minutes=settings.TIP_PAYMENT_MINUTES)


def parse_tip_amount(value) -> Decimal:
    """One of the fixed amounts, given as a number or a string ("5", "5.00"); anything else is a 400."""
    allowed = tip_amounts()
    error = ValidationFailed(
        fields={"amount": [_("Choose one of the amounts: %(amounts)s.") % {"amounts": ", ".join(map(str, allowed))}]}
    )
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise error
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise error from None
    if not amount.is_finite() or amount not in allowed:
        raise error
    return quantize(amount)
