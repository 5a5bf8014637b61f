"""The pinned card's stock follows the sales: a checkout from the show that buys the pinned product pushes
the card again to every viewer (coalesced per show); other checkouts push nothing."""

from __future__ import annotations

import asyncio
import contextvars

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext

from live.attribution import SHOW_CHECKOUT
from live.receivers import _order_events_recorded
from live.services.pins import show_pin
from live.tests.test_consumers import frame_of, frames, join_frames, room
from live.tests.test_pins import _checkout
from tests.factories import UserFactory, make_product, make_show


@pytest.mark.django_db(transaction=True)
def test_a_viewer_sees_the_pinned_stock_drop_after_a_checkout_from_the_show():
    show = make_show()
    product = make_product(shop=show.shop, skus=(("500 g", "28.00", 10),))
    show_pin(show=show, product=product.pk)
    buyer, watcher = UserFactory(), UserFactory()
    sku = product.skus.get()

    async def scenario():
        viewer = room(show, watcher)
        assert (await viewer.connect())[0]
        joined = await join_frames(viewer)
        response = await sync_to_async(_checkout)(buyer, sku, source="", key="plain")
        assert response.status_code in (200, 201), response.content
        after_plain = await frames(viewer)
        response = await sync_to_async(_checkout)(buyer, sku, source=f"show:{show.pk}", key="from-show")
        assert response.status_code in (200, 201), response.content
        pushed = await frame_of(viewer, "pinned")
        await viewer.disconnect()
        return joined, after_plain, pushed

    joined, after_plain, pushed = asyncio.run(scenario())
    assert [f["product"]["stock"] for f in joined if f["type"] == "pinned"] == [10]
    assert not [f for f in after_plain if f["type"] == "pinned"]  # an order not from the show pushes nothing
    assert pushed["product"]["id"] == product.pk
    assert pushed["product"]["stock"] == 8 and pushed["product"]["skus"][0]["stock"] == 8


@pytest.mark.django_db
def test_orders_events_of_an_ordinary_checkout_cost_live_no_query():
    def receive():
        with CaptureQueriesContext(connection) as queries:
            _order_events_recorded(sender=None, event_ids=[1, 2], types=["placed"])
        return len(queries.captured_queries)

    def after_a_show_checkout():
        SHOW_CHECKOUT.set(True)
        return receive()

    assert contextvars.Context().run(receive) == 0
    assert contextvars.Context().run(after_a_show_checkout) == 1  # the placed orders' sources, once
