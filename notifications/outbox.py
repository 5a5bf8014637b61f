"""Order events waiting for their notifications, drained in batches by a beat task.

Every placed order used to publish its own Celery task after its commit (`order_events_notify_task.delay`):
~0.8 ms of CPU in kombu per checkout, on the buyer's request (bench B1: 18 % of a checkout's CPU); then it
pushed its event ids to a list in Redis (one round trip per checkout, and a Redis restart could lose the
list). Now the outbox is the order events themselves: each is written unpublished by the transaction that
records it (orders.services.events.order_events_publish), and `order_events_outbox_drain_task` (beat, every
second) takes them in batches into one `order_events_notify_task` each. The buyer's request does nothing for
its notifications; a committed event is never lost, a rolled-back one never notified.

With eager tasks (the embedded default, the tests) the commit drains at once, so notifications are there as
soon as the request answers, as before.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction

from common.tasks import enqueue_now
from orders.services.events import order_events_publish

BATCH = 500  # events per notify task


def _task():
    from notifications.tasks import order_events_notify_task

    return order_events_notify_task


def order_events_recorded_received() -> None:
    """After the commit that recorded order events: nothing with a worker (beat's drain takes them within a
    second); with eager tasks, the drain now."""
    if current_app.conf.task_always_eager:
        order_events_outbox_drain()


def order_events_outbox_drain(*, max_batches: int = 20) -> int:
    """Moves the waiting events into notify tasks (BATCH per task); returns how many moved. A batch whose task
    cannot be queued stays waiting (its transaction rolls back) for the next drain."""
    moved = 0
    for _ in range(max_batches):
        with transaction.atomic():
            ids = order_events_publish(limit=BATCH)
            if not ids:
                break
            # The task is queued inside the transaction that marks its events, on purpose (the outbox's relay):
            # if the COMMIT then fails they are queued again by the next drain, and their notifications are
            # keyed on the event, so nobody hears twice; queued after the COMMIT, a crash in between would lose
            # them. The task only reads events committed long before, so it may run before this COMMIT.
            if not enqueue_now(_task(), ids):
                transaction.set_rollback(True)
                break
        moved += len(ids)
    return moved
