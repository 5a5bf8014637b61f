"""The seller center's to-do counters and figures: orders to act on, daily sales, earnings per order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from orders.models import Order, OrderLine, RefundRequest
from shops.models import Shop


@dataclass(frozen=True)
class SellerOrderTodo:
    to_ship: int
    refunds_waiting: int
    refund_due: datetime | None  # the nearest deadline of a request waiting for the seller


def seller_order_todo(*, shop_id: int) -> SellerOrderTodo:
    """Orders to ship and refund requests waiting for the seller, with the nearest deadline. Two counts on
    indexed columns (orders by shop and status; requests by the partial "requested" index)."""
    to_ship = Order.objects.filter(shop_id=shop_id, status=Order.Status.PAID).count()
    waiting = RefundRequest.objects.filter(order__shop_id=shop_id, status=RefundRequest.Status.REQUESTED).aggregate(
        n=Count("id"), due=Min("respond_by")
    )
    return SellerOrderTodo(to_ship=to_ship, refunds_waiting=waiting["n"], refund_due=waiting["due"])


@dataclass(frozen=True)
class SalesDay:
    day: date
    orders: int
    sales: Decimal


def seller_daily_sales(*, shop_id: int, start: date, end: date) -> list[SalesDay]:
    """Orders paid per day in the site's zone, from `start` to `end` inclusive (zeros included), and their
    money (refunded orders taken off). One grouped query over the shop's recent orders: an order is paid
    within the payment deadline of being placed, so the (shop, created_at) index bounds the rows read."""
    zone = timezone.get_current_timezone()
    start_at = datetime.combine(start, time.min, tzinfo=zone)
    end_at = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone)
    rows = (
        Order.objects.filter(
            shop_id=shop_id,
            created_at__gte=start_at - settings.ORDER_PAYMENT_DEADLINE - timedelta(days=1),
            paid_at__gte=start_at,
            paid_at__lt=end_at,
        )
        .exclude(status=Order.Status.REFUNDED)
        .annotate(day=TruncDate("paid_at", tzinfo=zone))
        .values("day")
        .annotate(n=Count("id"), s=Sum("total"))
        .order_by()
    )
    by_day = {row["day"]: row for row in rows}
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        row = by_day.get(day)
        days.append(SalesDay(day=day, orders=row["n"] if row else 0, sales=row["s"] if row else Decimal("0.00")))
    return days


@dataclass(frozen=True)
class OrderEarning:
    """One order on the money page, in a farmer's words: sold for, commission, what comes to you, when."""

    order: Order
    sale: Decimal  # the order's total less what was refunded
    refunded: Decimal
    commission_rate: Decimal | None  # the frozen rate; None when the lines carry different rates
    commission: Decimal
    receive: Decimal
    state: str  # escrow | paused | pending | settled | refunded
    when: datetime | None  # auto-confirm (escrow), end of the hold (pending), settled since (settled)


def seller_order_earnings(*, shop: Shop, now: datetime | None = None) -> QuerySet[Order]:
    """The shop's paid orders, newest payment first, annotated for `order_earning` (a page of them is
    three queries: orders, their commission sums and refunds come from subqueries)."""
    lines = OrderLine.objects.filter(order=OuterRef("pk")).values("order").order_by()
    refunds = (
        RefundRequest.objects.filter(order=OuterRef("pk"), status=RefundRequest.Status.REFUNDED)
        .values("order")
        .order_by()
    )
    return (
        Order.objects.for_shop(shop)
        .filter(paid_at__isnull=False)
        .annotate(
            commission_full=Subquery(
                lines.annotate(s=Sum(F("subtotal") * F("commission_rate"))).values("s"), output_field=DecimalField()
            ),
            rate_min=Subquery(lines.annotate(r=Min("commission_rate")).values("r")),
            rate_max=Subquery(lines.annotate(r=Max("commission_rate")).values("r")),
            refunded=Coalesce(
                Subquery(refunds.annotate(s=Sum("amount")).values("s")),
                Value(Decimal("0.00")),
                output_field=DecimalField(),
            ),
        )
        .order_by("-paid_at", "-id")
    )


def order_earning(order: Order, *, now: datetime | None = None) -> OrderEarning:
    """What the seller receives from an annotated order (seller_order_earnings), by the rule the ledger
    uses at receipt (orders.services.lifecycle.order_commission): the frozen per-line commission, scaled
    to what is left after refunds."""
    now = now or timezone.now()
    refunded = order.refunded or Decimal("0.00")
    sale = max(order.total - refunded, Decimal("0.00"))
    full = order.commission_full or Decimal("0")
    commission = (
        min((full * sale / order.total).quantize(Decimal("0.01")), sale) if order.total > 0 else Decimal("0.00")
    )
    rate = order.rate_min if order.rate_min == order.rate_max else None
    when: datetime | None = None
    if order.status == Order.Status.REFUNDED or sale == 0:
        state = "refunded"
    elif order.status == Order.Status.COMPLETED:
        settles_at = (order.completed_at or now) + timedelta(days=settings.PAYOUT_HOLD_DAYS)
        state, when = ("pending", settles_at) if settles_at > now else ("settled", settles_at)
    elif order.status == Order.Status.SHIPPED and order.auto_confirm_at is None:
        state = "paused"  # a refund request is open: the clock waits for it
    else:
        state, when = "escrow", order.auto_confirm_at
    return OrderEarning(
        order=order,
        sale=sale,
        refunded=refunded,
        commission_rate=rate,
        commission=commission,
        receive=sale - commission,
        state=state,
        when=when,
    )
