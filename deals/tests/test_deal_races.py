"""No oversell under concurrency (real threads on PostgreSQL), and an unpaid claim cancelled by the payment
deadline goes back to the deal while the room sees `remaining` rise (a real room socket)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from asgiref.sync import sync_to_async
from django.db import connection
from django.utils import timezone

from accounts.models import User
from catalog.models import Sku
from common.errors import DomainError
from deals.models import Deal, DealClaim
from deals.services import deal_claim, deal_claims_release
from deals.tasks import deal_status_push_task
from deals.tests.test_deals_api import claim, deal_started
from live.tests.test_consumers import room
from orders.models import Order, OrderEvent
from orders.services.lifecycle import orders_cancel_overdue
from tests.factories import ADDRESS, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(calls, workers: int = 16) -> list:
    def run(call):
        try:
            return call()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, calls))


def _claim_now(buyer, show, deal) -> str:
    """The claim's service as the API runs it (in the write's transaction): "ok" or the error's code."""
    try:
        deal_claim(buyer=buyer, show=show, deal_id=deal.pk, quantity=1, address=ADDRESS)
    except DomainError as exc:
        return exc.code
    return "ok"


@pytest.mark.slow  # ~3 s on an idle machine (200 claims on 16 threads)
def test_200_buyers_at_once_get_exactly_the_10_units_of_the_deal():
    deal, show, sku = deal_started(stock=500, quantity=10, limit=1)
    User.objects.bulk_create([User(username=f"grab{n}", email=f"grab{n}@example.com") for n in range(200)])
    buyers = list(User.objects.filter(username__startswith="grab"))

    outcomes = _race([lambda b=b: _claim_now(b, show, deal) for b in buyers])

    assert outcomes.count("ok") == 10
    assert set(outcomes) <= {"ok", "out_of_stock", "busy"}
    assert Order.objects.count() == 10 and DealClaim.objects.count() == 10
    assert Sku.objects.get(pk=sku.pk).stock == 490
    assert Deal.objects.get(pk=deal.pk).remaining == 0


def test_one_buyer_with_20_claims_at_once_gets_one():
    deal, show, sku = deal_started(stock=100, quantity=50, limit=1)
    buyer = UserFactory()

    assert claim(buyer, show, deal, quantity=2).status_code == 409  # (the error path warmed up, once)

    codes = _race([lambda i=i: claim(buyer, show, deal, key=f"same-{i}").status_code for i in range(20)], workers=20)

    assert codes.count(201) == 1
    assert Order.objects.filter(buyer=buyer).count() == 1
    assert Deal.objects.get(pk=deal.pk).remaining == 49 and Sku.objects.get(pk=sku.pk).stock == 99


async def deal_frame(comm, *, remaining: int, timeout: float = 5) -> dict:
    """The first `deal` frame that says `remaining` (earlier ones may carry a count in between)."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] == "deal" and frame["deal"]["remaining"] == remaining:
            return frame["deal"]


def test_an_unpaid_claim_cancelled_by_the_deadline_returns_to_the_deal_and_the_room_sees_it():
    deal, show, sku = deal_started(stock=100, quantity=2, limit=1)
    buyer = UserFactory()
    assert claim(buyer, show, deal).status_code == 201
    assert claim(UserFactory(), show, deal).status_code == 201
    assert Deal.objects.get(pk=deal.pk).remaining == 0
    deadline = max(Order.objects.values_list("payment_deadline_at", flat=True))

    async def scenario() -> dict:
        viewer = room(show)
        assert (await viewer.connect())[0]  # accepted once the room has joined its group (RoomHub.join)
        await sync_to_async(orders_cancel_overdue)(now=deadline + timedelta(seconds=1))
        frame = await deal_frame(viewer, remaining=2)
        await viewer.disconnect()
        return frame

    frame = asyncio.run(scenario())

    assert frame["id"] == deal.pk and frame["remaining"] == 2 and frame["status"] == "open"
    assert Deal.objects.get(pk=deal.pk).remaining == 2
    assert Sku.objects.get(pk=sku.pk).stock == 100
    # at-least-once: the same cancelled events again change nothing
    events = list(OrderEvent.objects.filter(type=OrderEvent.Type.CANCELLED).values_list("pk", flat=True))
    assert deal_claims_release(event_ids=events) == 0
    assert Deal.objects.get(pk=deal.pk).remaining == 2
    # the buyer's limit came back with it
    assert claim(buyer, show, deal).status_code == 201


def test_the_room_gets_a_deal_frame_when_the_deal_opens_on_the_servers_clock():
    deal, show, _sku = deal_started(opened=False)

    async def scenario() -> list[dict]:
        viewer = room(show)
        assert (await viewer.connect())[0]
        # the task queued for starts_at (Celery eta) runs once the clock got there
        await sync_to_async(Deal.objects.filter(pk=deal.pk).update)(starts_at=timezone.now() - timedelta(seconds=1))
        await sync_to_async(deal_status_push_task.apply)(args=(deal.pk,))
        frame = await deal_frame(viewer, remaining=10)
        await viewer.disconnect()
        return frame

    frame = asyncio.run(scenario())

    assert frame["status"] == "open" and frame["id"] == deal.pk
    assert abs((datetime.fromisoformat(frame["now"]) - timezone.now()).total_seconds()) < 30
