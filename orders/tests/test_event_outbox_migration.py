"""orders 0011 (the order events become their own outbox) on a database that already has events: those older
than an hour were notified through the old Redis list and are marked published; younger ones wait for the
drain (their notifications are keyed on the event, so nobody hears twice)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from orders.models import OrderEvent
from orders.tests.helpers import place
from tests.factories import ShopFactory, UserFactory, sku_in_shop

BEFORE = [("orders", "0010_redundant_fk_indexes")]
AFTER = [("orders", "0011_order_event_outbox")]


@pytest.mark.django_db(transaction=True)
def test_events_notified_before_the_outbox_are_published_and_recent_ones_wait():
    shop = ShopFactory()
    old, recent = (place(UserFactory(), {sku_in_shop(shop): 1})[0] for _ in range(2))
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE orders_orderevent SET created_at = %s WHERE order_id = %s",
                [timezone.now() - timedelta(hours=2), old.pk],
            )
    finally:
        executor = MigrationExecutor(connection)  # the graph as it is now
        executor.migrate(AFTER)

    old_event, recent_event = (OrderEvent.objects.get(order=order) for order in (old, recent))
    assert old_event.published_at == old_event.created_at
    assert recent_event.published_at is None
