"""改价: the seller lowers an unpaid order's total (a discount agreed in the chat), only down, only before
payment, at most PRICE_CHANGES_MAX times. The payment asks for the new amount, so a capture of the old one
is refused like any amount mismatch; the buyer hears of it (the order event's notice)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidState, ValidationFailed
from orders.lock_objects import order_lock
from orders.models import Order, OrderEvent
from orders.services.events import order_event_add
from payments.services import payment_allocation_lower

PRICE_CHANGES_MAX = 3
MIN_TOTAL = Decimal("0.01")


def _new_total(value: Any, *, current: Decimal) -> Decimal:
    error = ValidationFailed(
        fields={"total": [_("Give a new total from 0.01 up to less than %(current)s.") % {"current": current}]}
    )
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        raise error
    try:
        total = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise error from exc
    if not total.is_finite() or total != total.quantize(Decimal("0.01")) or not MIN_TOTAL <= total < current:
        raise error
    return total.quantize(Decimal("0.01"))


@transaction.atomic
def order_price_lower(*, order_id: int, actor, total: Any, now: datetime | None = None) -> Order:
    now = now or timezone.now()
    order = order_lock(order_id)
    if order.status != Order.Status.PENDING_PAYMENT:
        raise InvalidState(_("Only an order awaiting payment can change its price."))
    if order.price_changes >= PRICE_CHANGES_MAX:
        raise InvalidState(
            _("This order's price was already changed %(n)d times, the most allowed.") % {"n": PRICE_CHANGES_MAX}
        )
    new_total = _new_total(total, current=order.total)
    old_total = order.total
    payment_allocation_lower(payment_id=order.payment_id, reference=order.number, amount=new_total)
    order.total, order.price_changes = new_total, order.price_changes + 1
    order.save(update_fields=["total", "price_changes", "updated_at"])
    order_event_add(
        order=order,
        type=OrderEvent.Type.PRICE_CHANGED,
        at=now,
        actor=actor,
        previous=f"{old_total:.2f}",
        total=f"{new_total:.2f}",
    )
    return order
