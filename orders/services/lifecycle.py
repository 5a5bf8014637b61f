"""The order lifecycle: pending_payment → paid → shipped → completed; cancelled; (refunded: refunds.py).

Every transition locks the order (after its payment, see lock_objects), checks the state (409
invalid_state otherwise) and appends an OrderEvent.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.services import product_sales_add, stock_release
from common.errors import InvalidState, ValidationFailed
from common.money import quantize
from common.sweeps import overdue_sweep
from common.text import clean_text
from orders.lock_objects import order_lock, orders_lock_for_payment
from orders.models import Order, OrderEvent, OrderLine, RefundRequest
from orders.services.events import order_event_add, order_events_announce
from payments.services import escrow_release, payment_allocation_void

logger = logging.getLogger(__name__)
# What a seller ships with (the API's serializer and the page's form declare these, the service enforces).
CARRIER_MAX_LENGTH = Order._meta.get_field("carrier").max_length
TRACKING_NUMBER_MAX_LENGTH = Order._meta.get_field("tracking_number").max_length
# 4–40 letters, digits or dashes (a letter or digit first); spaces between them are allowed and dropped.
TRACKING_NUMBER_PATTERN = r"^\s*[A-Za-z0-9](?:\s*[A-Za-z0-9-]){3,39}\s*$"
TRACKING_NUMBER_MESSAGE = gettext_lazy("4–40 letters, digits or dashes.")
_TRACKING = re.compile(TRACKING_NUMBER_PATTERN)


def order_stock_items(*, order: Order) -> dict[int, int]:
    items: Counter[int] = Counter()
    for sku_id, quantity in OrderLine.objects.filter(order=order).values_list("sku_id", "quantity"):
        items[sku_id] += quantity
    return dict(items)


# --- cancel ---------------------------------------------------------------------------------------


@transaction.atomic
def order_cancel(*, order_id: int, actor=None, reason: str = "buyer", now: datetime | None = None) -> Order:
    """Only while unpaid (the buyer, or the payment deadline). Releases the stock; the payment asks for less."""
    now = now or timezone.now()
    order = order_lock(order_id)
    if order.status != Order.Status.PENDING_PAYMENT:
        raise InvalidState(_("Only an unpaid order can be cancelled."))
    order.status, order.cancelled_at = Order.Status.CANCELLED, now
    order.save(update_fields=["status", "cancelled_at", "updated_at"])
    stock_release(items=order_stock_items(order=order))
    payment_allocation_void(payment_id=order.payment_id, reference=order.number)
    order_event_add(order=order, type=OrderEvent.Type.CANCELLED, at=now, actor=actor, reason=reason)
    return order


def orders_cancel_overdue(*, now: datetime | None = None) -> int:
    """Cancels unpaid orders past their payment deadline, each in its own transaction. Idempotent."""
    now = now or timezone.now()
    return overdue_sweep(
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, payment_deadline_at__lte=now),
        lambda order_id: order_cancel(order_id=order_id, reason="payment_deadline", now=now),
        order_by="payment_deadline_at",
        skip=(InvalidState,),  # paid meanwhile
    )


def orders_cancel_for_expired_payment(*, payment_id: int, numbers: list[str], now: datetime | None = None) -> int:
    """Payments found the payment past its deadline (payments.signals.payment_expired; payment locked):
    its unpaid orders are cancelled now, their stock released, whether or not the sweep ran yet."""
    now = now or timezone.now()
    cancelled = 0
    for order in orders_lock_for_payment(payment_id=payment_id, numbers=numbers):
        if order.status == Order.Status.PENDING_PAYMENT:
            order_cancel(order_id=order.pk, reason="payment_deadline", now=now)
            cancelled += 1
    return cancelled


# --- paid (told by payments) ----------------------------------------------------------------------


@transaction.atomic
def orders_mark_paid(*, payment_id: int, numbers: list[str], now: datetime | None = None) -> list[Order]:
    """The provider confirmed the payment (payments.signals.payment_event_confirmed)."""
    now = now or timezone.now()
    orders = orders_lock_for_payment(payment_id=payment_id, numbers=numbers)
    paid = []
    for order in orders:
        if order.status != Order.Status.PENDING_PAYMENT:
            logger.error("Payment %s confirmed for order %s in state %s", payment_id, order.number, order.status)
            continue
        order.status, order.paid_at = Order.Status.PAID, now
        paid.append(order)
    if not paid:
        return []
    Order.objects.bulk_update(paid, ["status", "paid_at", "updated_at"])
    order_events_announce(
        OrderEvent.objects.bulk_create(
            [OrderEvent(order=o, type=OrderEvent.Type.PAID, at=now, data={"payment": payment_id}) for o in paid]
        )
    )
    product_sales_add(items=order_sold_items(orders=paid))
    return paid


def order_sold_items(*, orders: list[Order]) -> dict[int, int]:
    """{product_id: quantity} of these orders: what a payment adds to products' sales, and a refund takes back."""
    sold: Counter[int] = Counter()
    for product_id, quantity in OrderLine.objects.filter(order__in=orders).values_list("product_id", "quantity"):
        sold[product_id] += quantity
    return dict(sold)


# --- ship -----------------------------------------------------------------------------------------


@transaction.atomic
def order_ship(*, order_id: int, actor, carrier: Any, tracking_number: Any, now: datetime | None = None) -> Order:
    """The seller ships a paid order; receipt is confirmed automatically ORDER_AUTO_CONFIRM_DAYS later."""
    now = now or timezone.now()
    carrier = clean_text(carrier, multiline=False, field="carrier", required=True, max_length=CARRIER_MAX_LENGTH)
    tracking_number = clean_text(
        tracking_number, multiline=False, field="tracking_number", required=True, max_length=TRACKING_NUMBER_MAX_LENGTH
    )
    if not _TRACKING.match(tracking_number):
        raise ValidationFailed(fields={"tracking_number": [str(TRACKING_NUMBER_MESSAGE)]})
    tracking_number = tracking_number.replace(" ", "")
    order = order_lock(order_id)
    if order.status != Order.Status.PAID:
        raise InvalidState(_("Only a paid order can be shipped."))
    if RefundRequest.objects.open().filter(order=order).exists():
        raise InvalidState(_("Answer the buyer's refund request before shipping."))
    order.status, order.shipped_at = Order.Status.SHIPPED, now
    order.carrier, order.tracking_number = carrier, tracking_number
    order.auto_confirm_at = now + timedelta(days=settings.ORDER_AUTO_CONFIRM_DAYS)
    order.save(update_fields=["status", "shipped_at", "carrier", "tracking_number", "auto_confirm_at", "updated_at"])
    order_event_add(
        order=order, type=OrderEvent.Type.SHIPPED, at=now, actor=actor, carrier=carrier, tracking_number=tracking_number
    )
    return order


# --- confirm receipt --------------------------------------------------------------------------------


def order_refunded_total(*, order: Order) -> Decimal:
    total = RefundRequest.objects.filter(order=order, status=RefundRequest.Status.REFUNDED).aggregate(s=Sum("amount"))[
        "s"
    ]
    return total or Decimal("0.00")


def order_commission(*, order: Order, amount: Decimal) -> Decimal:
    """The frozen per-line commission on what the buyer pays for the goods, scaled to `amount` (what is left
    after partial refunds). An offer's shipping fee is not commissioned, and a price the seller lowered
    before payment (改价) lowers the commission with it."""
    lines = list(OrderLine.objects.filter(order=order).only("subtotal", "commission_rate"))
    goods = sum((line.subtotal for line in lines), Decimal("0"))
    if order.total <= 0 or goods <= 0:
        return Decimal("0.00")
    full = sum((line.subtotal * line.commission_rate for line in lines), Decimal("0"))
    goods_paid = min(max(order.total - order.shipping_fee, Decimal("0")), goods)
    return min(quantize(full * goods_paid / goods * amount / order.total), amount)


@transaction.atomic
def order_confirm_receipt(*, order_id: int, actor=None, auto: bool = False, now: datetime | None = None) -> Order:
    """The buyer (or, at auto_confirm_at, the platform) confirms receipt: escrow goes to the seller's
    pending balance less the commission."""
    now = now or timezone.now()
    order = order_lock(order_id)
    if order.status != Order.Status.SHIPPED:
        raise InvalidState(_("Only a shipped order can be confirmed as received."))
    if RefundRequest.objects.open().filter(order=order).exists():
        raise InvalidState(_("A refund request is open for this order."))
    if auto and (order.auto_confirm_at is None or order.auto_confirm_at > now):
        raise InvalidState(_("This order is not due for automatic confirmation."))
    order.status, order.completed_at, order.auto_confirm_at = Order.Status.COMPLETED, now, None
    order.save(update_fields=["status", "completed_at", "auto_confirm_at", "updated_at"])
    amount = order.total - order_refunded_total(order=order)
    commission = order_commission(order=order, amount=amount)
    escrow_release(
        shop_id=order.shop_id, reference=order.number, amount=amount, commission=commission, currency=order.currency
    )
    order_event_add(
        order=order,
        type=OrderEvent.Type.RECEIPT_CONFIRMED,
        at=now,
        actor=actor,
        auto=auto,
        amount=f"{amount:.2f}",
        commission=f"{commission:.2f}",
    )
    return order


def orders_auto_confirm_due(*, now: datetime | None = None) -> int:
    """Confirms shipped orders whose auto_confirm_at has passed, each in its own transaction. Idempotent."""
    now = now or timezone.now()
    return overdue_sweep(
        Order.objects.filter(status=Order.Status.SHIPPED, auto_confirm_at__lte=now),
        lambda order_id: order_confirm_receipt(order_id=order_id, auto=True, now=now),
        order_by="auto_confirm_at",
        skip=(InvalidState,),  # a refund request paused it, or the buyer confirmed meanwhile
    )
