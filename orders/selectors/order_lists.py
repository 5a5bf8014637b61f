"""Reads for orders: the buyer's and the shop's lists (details prefetched), the last address."""

from __future__ import annotations

from django.db.models import (
    Count,
    Prefetch,
    QuerySet,
)

from catalog.models import ProductImage
from orders.models import Order, OrderEvent, OrderLine, RefundRequest
from shops.models import Shop


def _with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    lines = OrderLine.objects.order_by("id").prefetch_related(
        Prefetch("product__images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="first_images")
    )
    return orders.select_related("shop").prefetch_related(
        Prefetch("lines", queryset=lines),
        Prefetch("events", queryset=OrderEvent.objects.order_by("at", "id")),
        Prefetch("refund_requests", queryset=RefundRequest.objects.order_by("-created_at", "-id")),
    )


def buyer_orders(*, user, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.for_buyer(user)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    return _with_details(orders).order_by("-created_at", "-id")


def seller_orders(*, shop: Shop, status: str | None = None, refund_open: bool = False) -> QuerySet[Order]:
    """The shop's orders, newest first; `refund_open`: only those with a refund request still open."""
    orders = Order.objects.for_shop(shop)
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    if refund_open:
        orders = orders.filter(
            pk__in=RefundRequest.objects.filter(order__shop=shop, status__in=RefundRequest.OPEN_STATUSES).values(
                "order_id"
            )
        )
    return _with_details(orders).select_related("buyer").order_by("-created_at", "-id")


def seller_order_counts(*, shop: Shop) -> dict[str, int]:

    rows = Order.objects.for_shop(shop).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def buyer_last_address(*, user) -> dict[str, str]:
    order = (
        Order.objects.for_buyer(user)
        .order_by("-created_at")
        .only("ship_name", "ship_phone", "ship_province", "ship_city", "ship_line")
        .first()
    )
    if order is None:
        return {}
    return {
        "name": order.ship_name,
        "phone": order.ship_phone,
        "province": order.ship_province,
        "city": order.ship_city,
        "line": order.ship_line,
    }


def order_open_refund_request(order: Order) -> RefundRequest | None:
    """From the prefetched refund requests."""
    return next((r for r in order.refund_requests.all() if r.status in RefundRequest.OPEN_STATUSES), None)
