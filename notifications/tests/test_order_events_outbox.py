"""notifications.outbox: order events are their own outbox. A checkout's commit publishes nothing (no Redis
command, no Celery publish on the buyer's request, bench B1); the beat's drain takes the waiting events in
batches into the usual notifications, once — and a batch it cannot queue waits for the next drain."""

from __future__ import annotations

import pytest
import redis
from django.db import transaction

from common.db import lock_timeout_set
from notifications import outbox
from notifications.models import Notification
from notifications.outbox import order_events_outbox_drain
from notifications.tasks import order_events_outbox_drain_task
from orders.models import OrderEvent
from orders.services.events import order_events_publish
from orders.tests.helpers import place
from tests.factories import ShopFactory, UserFactory, sku_in_shop
from tests.held import transaction_held_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_mode():
    """As in production: tasks go to a broker, so the commit queues nothing itself."""
    from marketplace.celery import app

    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


def test_a_placed_order_waits_in_the_outbox_then_the_drain_notifies_the_seller(
    worker_mode, monkeypatch, django_capture_on_commit_callbacks
):
    shop, buyer = ShopFactory(), UserFactory()
    sent: list[str] = []
    execute_command = redis.Redis.execute_command
    monkeypatch.setattr(
        redis.Redis, "execute_command", lambda self, *a, **k: sent.append(str(a[0])) or execute_command(self, *a, **k)
    )
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = place(buyer, {sku_in_shop(shop): 1})
    monkeypatch.undo()

    assert sent == []  # the commit left its event in PostgreSQL only
    assert OrderEvent.objects.get(order=order).published_at is None
    assert not Notification.objects.exists()

    from marketplace.celery import app

    app.conf.task_always_eager = True  # the queued task runs here
    assert order_events_outbox_drain_task.apply().get() == 1
    assert list(Notification.objects.values_list("user_id", "kind")) == [(shop.owner_id, "order_new")]
    assert OrderEvent.objects.get(order=order).published_at is not None
    assert order_events_outbox_drain() == 0  # nothing twice


def test_with_eager_tasks_the_commit_drains_at_once(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = place(UserFactory(), {sku_in_shop(shop): 1})

    assert Notification.objects.filter(user=shop.owner, kind="order_new").count() == 1
    assert OrderEvent.objects.get(order=order).published_at is not None


def test_a_batch_that_cannot_be_queued_waits_for_the_next_drain(worker_mode, monkeypatch):
    shop = ShopFactory()
    (order,) = place(UserFactory(), {sku_in_shop(shop): 1})
    monkeypatch.setattr(outbox, "enqueue_now", lambda task, ids: False)  # the broker refuses it

    assert order_events_outbox_drain() == 0
    assert OrderEvent.objects.get(order=order).published_at is None  # still waiting

    monkeypatch.undo()
    from marketplace.celery import app

    app.conf.task_always_eager = True
    assert order_events_outbox_drain() == 1
    assert Notification.objects.filter(user=shop.owner, kind="order_new").count() == 1


def test_the_drain_takes_batches_oldest_first(worker_mode, monkeypatch):
    shop = ShopFactory()
    orders = [place(UserFactory(), {sku_in_shop(shop): 1})[0] for _ in range(3)]
    queued: list[list[int]] = []
    monkeypatch.setattr(outbox, "BATCH", 2)
    monkeypatch.setattr(outbox, "enqueue_now", lambda task, ids: queued.append(ids) or True)

    assert order_events_outbox_drain() == 3
    ids = list(OrderEvent.objects.filter(order__in=orders).order_by("pk").values_list("pk", flat=True))
    assert queued == [ids[:2], ids[2:]]


@pytest.mark.django_db(transaction=True)
def test_two_drains_never_take_the_same_event(worker_mode):
    shop = ShopFactory()
    for _ in range(2):
        place(UserFactory(), {sku_in_shop(shop): 1})
    # the first drain's transaction stays open: the event it took stays locked
    with transaction_held_open(lambda: order_events_publish(limit=1)) as first_ids, transaction.atomic():
        lock_timeout_set(2000)  # waiting for the first drain's lock would fail here
        second_ids = order_events_publish(limit=10)  # skips the locked one instead

    assert len(first_ids) == 1 and len(second_ids) == 1 and first_ids != second_ids
    assert not OrderEvent.objects.filter(published_at__isnull=True).exists()
