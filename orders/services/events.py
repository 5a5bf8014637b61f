"""The append-only order event log: announced to higher apps after commit, and its own outbox for the
consumers that take events in batches (the notifications' drain, notifications.outbox)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

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


def order_events_publish(*, limit: int) -> list[int]:
    """Takes up to `limit` committed events not yet published, oldest first, marks them published and
    returns their ids — in the caller's transaction, so if the caller cannot hand them on it rolls back and
    they wait for the next call. Events another transaction is taking at the same time are skipped
    (`SKIP LOCKED`): two drains never take the same event."""
    with transaction.atomic(savepoint=False):  # the caller's transaction when there is one: no savepoint
        ids = list(
            OrderEvent.objects.filter(published_at__isnull=True)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OrderEvent.objects.filter(pk__in=ids).update(published_at=timezone.now())
    return ids
