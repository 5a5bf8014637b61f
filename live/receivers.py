"""What live learns from lower apps (connected in LiveConfig.ready())."""

from __future__ import annotations

from orders.signals import order_events_recorded


def _order_events_recorded(sender, event_ids, **kwargs) -> None:
    from live.services.pins import pinned_stock_orders_placed

    pinned_stock_orders_placed(event_ids=list(event_ids))


def connect() -> None:
    order_events_recorded.connect(_order_events_recorded, dispatch_uid="live.order_events_recorded")
