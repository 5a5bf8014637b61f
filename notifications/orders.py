"""Who hears about what happened to an order, and in which words (Simplified Chinese, English)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from notifications.models import Kind
from notifications.services import notify
from orders.models import Order, OrderEvent
from shops.models import ShopMember

BUYER, SELLER = "buyer", "seller"

# event type → [(audience, kind, 中文, English)]; {n} is the order number, {total} its total.
MESSAGES: dict[str, list[tuple[str, str, str, str]]] = {
    OrderEvent.Type.PLACED: [
        (SELLER, Kind.ORDER_NEW, "新订单 {n}：¥{total}，等待买家付款", "New order {n}: ¥{total}, awaiting payment")
    ],
    OrderEvent.Type.PAID: [
        (
            SELLER,
            Kind.ORDER_PAID,
            "订单 {n} 已付款 ¥{total}，请尽快发货",
            "Order {n} is paid (¥{total}): please ship it",
        )
    ],
    OrderEvent.Type.SHIPPED: [
        (
            BUYER,
            Kind.ORDER_SHIPPED,
            "你的订单 {n} 已发货：{carrier} {tracking}",
            "Your order {n} has shipped: {carrier} {tracking}",
        )
    ],
    OrderEvent.Type.RECEIPT_CONFIRMED: [
        (
            SELLER,
            Kind.ORDER_COMPLETED,
            "订单 {n} 已确认收货，货款进入待结算",
            "Order {n}: receipt confirmed, the money is settling",
        )
    ],
    OrderEvent.Type.REFUND_REQUESTED: [
        (
            SELLER,
            Kind.REFUND_REQUESTED,
            "订单 {n} 的买家申请退款，请及时处理",
            "The buyer of order {n} asks for a refund: please answer",
        )
    ],
    OrderEvent.Type.REFUND_ACCEPTED: [
        (BUYER, Kind.REFUND_ANSWERED, "卖家同意了订单 {n} 的退款", "The seller accepted your refund for order {n}")
    ],
    OrderEvent.Type.REFUND_REJECTED: [
        (
            BUYER,
            Kind.REFUND_ANSWERED,
            "卖家拒绝了订单 {n} 的退款，平台将介入处理",
            "The seller refused your refund for order {n}; the platform will decide",
        )
    ],
    OrderEvent.Type.REFUND_ESCALATED: [
        (
            BUYER,
            Kind.REFUND_ESCALATED,
            "订单 {n} 的退款已交由平台处理",
            "The refund for order {n} went to the platform",
        ),
        (
            SELLER,
            Kind.REFUND_ESCALATED,
            "订单 {n} 的退款已交由平台处理",
            "The refund for order {n} went to the platform",
        ),
    ],
    OrderEvent.Type.REFUND_DENIED: [
        (
            BUYER,
            Kind.REFUND_ANSWERED,
            "平台驳回了订单 {n} 的退款申请",
            "The platform turned down the refund for order {n}",
        )
    ],
    OrderEvent.Type.REFUNDED: [
        (
            BUYER,
            Kind.REFUND_ANSWERED,
            "订单 {n} 的退款已退回你的账户",
            "The refund for order {n} is back in your account",
        )
    ],
}
MESSAGES[OrderEvent.Type.REVIEWED] = [
    (
        SELLER,
        Kind.REVIEW_RECEIVED,
        "订单 {n} 收到了新的评价（{rating} 星）",
        "Order {n} received a new review ({rating} stars)",
    )
]


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
        values = {
            "n": order.number,
            "total": f"{order.total:.2f}",
            "carrier": event.data.get("carrier", ""),
            "tracking": event.data.get("tracking_number", ""),
            "rating": event.data.get("rating", ""),
        }
        for audience, kind, zh, en in MESSAGES.get(event.type, []):
            for user_id, url in _recipients(order, audience):
                if notify(
                    user_id=user_id,
                    kind=kind,
                    key=f"order-event:{event.pk}:{user_id}",
                    text=zh.format(**values),
                    text_en=en.format(**values),
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
            text=f"订单 {order.number} 将在 24 小时内自动确认收货；如有问题请尽快申请售后",
            text_en=f"Order {order.number} will be confirmed as received within 24 hours; ask for a refund "
            "now if something is wrong",
            url=f"/orders/{order.number}/",
        )
        sent += 1
    return sent
