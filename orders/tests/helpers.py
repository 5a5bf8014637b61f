"""Shortcuts through the real services, for tests that start from an order in some state."""

from __future__ import annotations

from datetime import datetime

from orders.models import Order
from orders.services.checkout import checkout_place
from orders.services.lifecycle import order_ship
from payments.models import Payment
from payments.services import payment_sandbox_approve
from tests.factories import ADDRESS


def place(buyer, items: dict, now: datetime | None = None) -> list[Order]:
    result = checkout_place(
        buyer=buyer, address=ADDRESS, now=now, items=[{"sku": sku.pk, "quantity": qty} for sku, qty in items.items()]
    )
    return result.orders


def pay(order: Order) -> Order:
    payment_sandbox_approve(payment=Payment.objects.get(pk=order.payment_id))
    order.refresh_from_db()
    return order


def placed_paid(buyer, sku, quantity: int = 1) -> Order:
    return pay(place(buyer, {sku: quantity})[0])


def placed_shipped(buyer, sku, quantity: int = 1, now: datetime | None = None) -> Order:
    order = placed_paid(buyer, sku, quantity)
    order_ship(order_id=order.pk, actor=order.shop.owner, carrier="SF Express", tracking_number="SF1234567890", now=now)
    order.refresh_from_db()
    return order
