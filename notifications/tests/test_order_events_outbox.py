"""notifications.outbox: a checkout's commit leaves its order events in a Redis list (one RPUSH, no Celery
publish on the buyer's request, bench B1); the beat's drain turns them into the usual notifications, once."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from common.cache import raw_redis
from notifications.models import Notification
from notifications.outbox import order_events_outbox_drain
from notifications.tasks import order_events_outbox_drain_task
from orders.tests.helpers import place
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox():
    key = cache.make_and_validate_key("outbox:order-events")
    raw_redis().delete(key)
    yield key
    raw_redis().delete(key)


def test_a_placed_order_waits_in_the_outbox_then_the_drain_notifies_the_seller(
    outbox, django_capture_on_commit_callbacks
):
    from marketplace.celery import app

    shop, buyer = ShopFactory(), UserFactory()
    app.conf.task_always_eager = False  # as in production: the commit does not publish a task
    try:
        with django_capture_on_commit_callbacks(execute=True):
            place(buyer, {sku_in_shop(shop): 1})
    finally:
        app.conf.task_always_eager = True

    assert raw_redis().llen(outbox) == 1  # the commit's event ids, no task published
    assert not Notification.objects.exists()

    assert order_events_outbox_drain_task.apply().get() == 1  # the drain queues their task (eager here)
    assert list(Notification.objects.values_list("user_id", "kind")) == [(shop.owner_id, "order_new")]
    assert raw_redis().llen(outbox) == 0
    assert order_events_outbox_drain() == 0  # nothing twice


def test_with_eager_tasks_the_events_skip_the_outbox(outbox, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    with django_capture_on_commit_callbacks(execute=True):
        place(UserFactory(), {sku_in_shop(shop): 1})

    assert raw_redis().llen(outbox) == 0
    assert Notification.objects.filter(user=shop.owner, kind="order_new").count() == 1
