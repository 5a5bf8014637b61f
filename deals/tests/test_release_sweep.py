"""A cancelled claim whose event never reached deals (the process stopped between the commit and the
receiver) still goes back to its deal: beat's sweep finds it, once."""

from __future__ import annotations

import pytest

from deals.models import Deal, DealClaim
from deals.services import deal_claims_release_sweep
from deals.tests.test_deals_api import claim, deal_started
from marketplace.beat_schedule import beat_schedule
from orders.models import Order
from orders.services.lifecycle import orders_cancel_overdue
from orders.signals import order_events_recorded
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_sweep_returns_a_cancelled_claim_whose_event_was_lost(django_capture_on_commit_callbacks):
    deal, show, _sku = deal_started(stock=100, quantity=2, limit=1)
    assert claim(UserFactory(), show, deal).status_code == 201
    assert Deal.objects.get(pk=deal.pk).remaining == 1
    deadline = max(Order.objects.values_list("payment_deadline_at", flat=True))
    from datetime import timedelta

    order_events_recorded.disconnect(dispatch_uid="deals.order_events_recorded")  # the lost signal
    try:
        with django_capture_on_commit_callbacks(execute=True):
            orders_cancel_overdue(now=deadline + timedelta(seconds=1))
    finally:
        from deals.receivers import connect

        connect()
    assert Deal.objects.get(pk=deal.pk).remaining == 1  # nobody gave it back

    assert deal_claims_release_sweep() == 1
    assert Deal.objects.get(pk=deal.pk).remaining == 2
    assert DealClaim.objects.get().released
    assert deal_claims_release_sweep() == 0  # once
    assert Deal.objects.get(pk=deal.pk).remaining == 2


def test_beat_runs_the_sweep():
    entry = beat_schedule(payout_batch_hour=2)["deals-claims-release-sweep"]
    assert entry["task"] == "deals.tasks.deal_claims_release_sweep_task"


def test_a_checkouts_placed_events_cost_deals_no_query(django_assert_num_queries):
    from deals.receivers import _order_events_recorded

    with django_assert_num_queries(0):  # the receiver runs after the buyer's commit, on the buyer's request
        _order_events_recorded(sender=Order, event_ids=[1, 2], types=["placed"])
