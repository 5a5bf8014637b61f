"""What deals learns from lower apps (connected in DealsConfig.ready())."""

from __future__ import annotations

from deals.services import deal_claims_release
from orders.models import OrderEvent
from orders.signals import order_events_recorded


def _order_events_recorded(sender, event_ids, types=None, **kwargs) -> None:
    if types is not None and OrderEvent.Type.CANCELLED not in types:
        return  # a checkout's placed events: no query on the buyer's request
    deal_claims_release(event_ids=list(event_ids))


def connect() -> None:
    order_events_recorded.connect(_order_events_recorded, dispatch_uid="deals.order_events_recorded")
