"""Row locks for orders. The payment is locked before its orders (as the payment notification does),
and orders in pk order, so concurrent transitions, refunds and notifications cannot deadlock."""

from __future__ import annotations

from orders.models import Order
from payments.lock_objects import payment_lock


def order_lock(order_id: int) -> Order:
    payment_id = Order.objects.filter(pk=order_id).values_list("payment_id", flat=True).get()
    payment_lock(payment_id)
    return Order.objects.select_for_update().get(pk=order_id)


def orders_lock_for_payment(*, payment_id: int, numbers: list[str]) -> list[Order]:
    """The payment must already be locked by the caller."""
    return list(Order.objects.select_for_update().filter(payment_id=payment_id, number__in=numbers).order_by("pk"))
