"""A Celery worker is killed with SIGKILL in the middle of auto-cancelling overdue orders, then a new one
starts: every overdue order is cancelled exactly once (one event, stock released once).

The payout batch's twin of this test already exists: payments/tests/test_payout_worker.py."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from conftest import RUN_ID, celery_worker_start, wait_until
from orders.models import Order, OrderEvent
from orders.tests.helpers import place
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

QUEUE = f"test-cancel-{RUN_ID}"
ORDERS = 10
STOCK = 100


def _cancelled() -> int:
    return Order.objects.filter(status=Order.Status.CANCELLED).count()


def test_worker_killed_mid_auto_cancel_cancels_each_order_exactly_once(tmp_path):
    from marketplace.celery import app
    from orders.tasks import orders_cancel_overdue_task

    sku = sku_in_shop(ShopFactory(), stock=STOCK)
    long_ago = timezone.now() - timedelta(hours=3)
    orders = [place(UserFactory(), {sku: 2}, now=long_ago + timedelta(seconds=n))[0] for n in range(ORDERS)]
    blocker_order = orders[4]  # the worker cancels in deadline order; it will wait on this one's lock

    db = connection.settings_dict
    blocker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"] or "postgres", dbname=db["NAME"]
    )
    blocker.execute(f"SELECT id FROM {Order._meta.db_table} WHERE id = %s FOR UPDATE", [blocker_order.pk])

    app.conf.task_always_eager = False
    app.conf.task_default_queue = QUEUE
    app.conf.broker_transport_options = {"visibility_timeout": 4}
    worker = celery_worker_start(queue=QUEUE, log=tmp_path / "worker-1.log")
    try:
        orders_cancel_overdue_task.delay()
        wait_until(lambda: _cancelled() == 4, 60, "four orders cancelled, the fifth locked")
        time.sleep(1)
        assert _cancelled() == 4
        os.killpg(worker.pid, signal.SIGKILL)  # in the middle: waiting for the fifth order's lock
        worker.wait(10)
        blocker.rollback()

        worker = celery_worker_start(queue=QUEUE, log=tmp_path / "worker-2.log")
        wait_until(lambda: _cancelled() == ORDERS, 90, "every overdue order cancelled after the restart")
    finally:
        blocker.close()
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        app.conf.task_always_eager = True

    events = dict(
        OrderEvent.objects.filter(type=OrderEvent.Type.CANCELLED)
        .values_list("order_id")
        .annotate(n=Count("id"))
        .values_list("order_id", "n")
    )
    assert events == {order.pk: 1 for order in orders}
    sku.refresh_from_db()
    assert sku.stock == STOCK, "stock was released more or less than once"
