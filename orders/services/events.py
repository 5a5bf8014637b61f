"""The append-only order event log, announced to higher apps after commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from orders.models import Order, OrderEvent
from orders.signals import order_events_recorded


def order_events_announce(events: Iterable[OrderEvent]) -> None:
    recorded = [event for event in events if event.pk]
    if recorded:
        ids, types = [event.pk for event in recorded], sorted({str(event.type) for event in recorded})
        transaction.on_commit(
            lambda: order_events_recorded.send(sender=OrderEvent, event_ids=ids, types=types), robust=True
        )


def order_event_add(*, order: Order, type: str, at: datetime, actor=None, **data) -> OrderEvent:
    event = OrderEvent.objects.create(
        order=order, type=type, at=at, actor=actor if actor and actor.pk else None, data=data
    )
    order_events_announce([event])
    return event
