"""Who hears about what happened to an order (the words are notification templates: notifications/messages.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from orders.models import Order, OrderEvent
from shops.models import ShopMember

BUYER, SELLER = "buyer", "seller"

# event type → [(audience, kind, template)]: who hears what. The wording is in notifications/messages.py,
# with every other notification's; its values are the order's number and total, a parcel's carrier and
# tracking number, a review's rating.
AUDIENCES: dict[str, list[tuple[str, str, str]]] = {
    OrderEvent.Type.PLACED: [(SELLER, Kind.ORDER_NEW, "order_new")],
    OrderEvent.Type.PAID: [(SELLER, Kind.ORDER_PAID, "order_paid")],
    OrderEvent.Type.SHIPPED: [(BUYER, Kind.ORDER_SHIPPED, "order_shipped")],
    OrderEvent.Type.PRICE_CHANGED: [(BUYER, Kind.ORDER_PRICE_CHANGED, "order_price_changed")],
    OrderEvent.Type.RECEIPT_CONFIRMED: [(SELLER, Kind.ORDER_COMPLETED, "order_completed")],
    OrderEvent.Type.REFUND_REQUESTED: [(SELLER, Kind.REFUND_REQUESTED, "refund_requested")],
    OrderEvent.Type.REFUND_ACCEPTED: [(BUYER, Kind.REFUND_ANSWERED, "refund_accepted")],
    OrderEvent.Type.REFUND_REJECTED: [(BUYER, Kind.REFUND_ANSWERED, "refund_rejected")],
    OrderEvent.Type.REFUND_ESCALATED: [
        (BUYER, Kind.REFUND_ESCALATED, "refund_escalated"),
        (SELLER, Kind.REFUND_ESCALATED, "refund_escalated"),
    ],
    OrderEvent.Type.REFUND_DENIED: [(BUYER, Kind.REFUND_ANSWERED, "refund_denied")],
    OrderEvent.Type.REFUNDED: [(BUYER, Kind.REFUND_ANSWERED, "refunded")],
    OrderEvent.Type.REVIEWED: [(SELLER, Kind.REVIEW_RECEIVED, "review_received")],
}


def _recipients(order: Order, audience: str) -> list[tuple[int, str]]:
    if audience == BUYER:
        return [(order.buyer_id, f"/orders/{order.number}/")]
    return [
        (user_id, "/seller/orders/")
        for user_id in ShopMember.objects.filter(shop_id=order.shop_id).values_list("user_id", flat=True)
    ]


def order_events_notify(*, event_ids: list[int]) -> int:
    """One notification per event and recipient (keyed on the event id: a retried task adds nothing)."""
    created = 0
    for event in OrderEvent.objects.filter(pk__in=event_ids).select_related("order"):
        order = event.order
        params = {
            "number": order.number,
            "total": f"{order.total:.2f}",
            "carrier": event.data.get("carrier", ""),
            "tracking": event.data.get("tracking_number", ""),
            "rating": event.data.get("rating", ""),
            "previous": event.data.get("previous", ""),
        }
        for audience, kind, message in AUDIENCES.get(event.type, []):
            for user_id, url in _recipients(order, audience):
                if notify(
                    user_id=user_id,
                    kind=kind,
                    key=f"order-event:{event.pk}:{user_id}",
                    message=message,
                    params=params,
                    url=url,
                ):
                    created += 1
    return created


@transaction.atomic
def orders_auto_confirm_reminders(*, now: datetime | None = None) -> int:
    """Buyers hear 24 hours before receipt is confirmed for them (once per order and deadline)."""
    now = now or timezone.now()
    due = Order.objects.filter(
        status=Order.Status.SHIPPED, auto_confirm_at__gt=now, auto_confirm_at__lte=now + timedelta(hours=24)
    )
    sent = 0
    for order in due.only("id", "number", "buyer_id", "auto_confirm_at"):
        notify(
            user_id=order.buyer_id,
            kind=Kind.AUTO_CONFIRM_SOON,
            key=f"auto-confirm-soon:{order.number}:{order.auto_confirm_at:%Y%m%d%H%M}",
            message="auto_confirm_soon",
            params={"number": order.number},
            url=f"/orders/{order.number}/",
        )
        sent += 1
    return sent
