"""The append-only order event log."""

from __future__ import annotations

from datetime import datetime

from orders.models import Order, OrderEvent


def order_event_add(*, order: Order, type: str, at: datetime, actor=None, **data) -> OrderEvent:
    return OrderEvent.objects.create(order=order, type=type, at=at, actor=actor if actor and actor.pk else None,
                                     data=data)
