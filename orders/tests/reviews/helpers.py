"""Orders in the states reviews care about, made through the real services."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from orders.models import Order
from orders.services.lifecycle import order_confirm_receipt
from orders.tests.helpers import placed_shipped

REVIEW = {"rating": 5, "text": "很好吃，奶奶的手艺", "as_described": 5, "communication": 4, "shipping": 4}


def completed(
    buyer, sku, quantity: int = 1, *, placed_at: datetime | None = None, completed_at: datetime | None = None
) -> Order:
    """Paid, shipped and received. `placed_at` backdates the purchase (the 14-day repeat rule)."""
    order = placed_shipped(buyer, sku, quantity)
    order_confirm_receipt(order_id=order.pk, actor=buyer, now=completed_at or timezone.now())
    if placed_at is not None:
        Order.objects.filter(pk=order.pk).update(created_at=placed_at)
    order.refresh_from_db()
    return order
