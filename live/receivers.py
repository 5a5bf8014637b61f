"""What live learns from lower apps (connected in LiveConfig.ready())."""

from __future__ import annotations

from orders.signals import order_events_recorded


def _order_events_recorded(sender, event_ids, **kwargs) -> None:
    """Placed orders of a checkout that named a show may move its pinned card's stock; other events and
    ordinary checkouts cost no query."""
    from live.attribution import SHOW_CHECKOUT
    from live.services.pins import pinned_stock_orders_placed

    types = kwargs.get("types")
    if not SHOW_CHECKOUT.get() or (types is not None and "placed" not in types):
        return

    pinned_stock_orders_placed(event_ids=list(event_ids))


def connect() -> None:
    order_events_recorded.connect(_order_events_recorded, dispatch_uid="live.order_events_recorded")
