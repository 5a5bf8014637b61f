"""The seller center's to-do counters and figures, composed from each app's selectors (Qianniu's "待办").

Computed once per request (kept on the request), so the menu's badges and the dashboard share one set of
bounded queries: counts and sums in SQL on indexed columns, never rows summed in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.selectors import LOW_STOCK_THRESHOLD, seller_low_stock_count
from chat.selectors import chat_unread_totals
from common.money import quantize
from orders.selectors import SalesDay, seller_daily_sales, seller_order_todo, seller_unreplied_review_count
from shops.visits import shop_visitors


@dataclass(frozen=True)
class SellerTodo:
    to_ship: int
    refunds_waiting: int
    refund_due: datetime | None
    unread_chats: int
    low_stock: int
    reviews_to_reply: int
    low_stock_threshold: int = LOW_STOCK_THRESHOLD

    @property
    def orders_badge(self) -> int:
        return self.to_ship + self.refunds_waiting


def seller_todo(request, *, unread_chats: int | None = None) -> SellerTodo:
    """The to-do counters of the request's shop; four queries the first time, none after."""
    cached = getattr(request, "_seller_todo", None)
    if cached is not None:
        return cached
    shop = request.shop
    orders = seller_order_todo(shop_id=shop.pk)
    if unread_chats is None:
        unread_chats = chat_unread_totals(user=request.user).seller
    todo = SellerTodo(
        to_ship=orders.to_ship,
        refunds_waiting=orders.refunds_waiting,
        refund_due=orders.refund_due,
        unread_chats=unread_chats,
        low_stock=seller_low_stock_count(shop_id=shop.pk),
        reviews_to_reply=seller_unreplied_review_count(shop=shop),
    )
    request._seller_todo = todo
    return todo


@dataclass(frozen=True)
class ChartDay:
    day: date
    orders: int
    sales: Decimal
    visitors: int | None  # None: not counted (no Redis, shops.visits)
    height: int  # percent of the busiest day's sales


@dataclass(frozen=True)
class PeriodFigures:
    orders: int
    sales: Decimal
    visitors: int | None  # None: not counted (no Redis, shops.visits)


@dataclass(frozen=True)
class SellerFigures:
    today: PeriodFigures
    week: PeriodFigures  # since Monday
    chart: list[ChartDay]  # the last seven days, today last


def seller_figures(*, shop_id: int, today: date | None = None) -> SellerFigures:
    """Today's and this week's paid orders, sales and visitors, and the last seven days for a chart:
    one SQL query and one Redis round trip."""
    today = today or timezone.localdate()
    week_start = today - timedelta(days=today.weekday())
    chart_start = today - timedelta(days=6)
    start = min(week_start, chart_start)
    days: list[SalesDay] = seller_daily_sales(shop_id=shop_id, start=start, end=today)
    counted = shop_visitors(
        shop_id=shop_id,
        days=[d.day for d in days],
        union=[d.day for d in days if d.day >= week_start],
    )
    visitors, week_visitors = counted if counted is not None else ([None] * len(days), None)
    by_day = {d.day: (d, v) for d, v in zip(days, visitors, strict=True)}
    week = [by_day[d][0] for d in by_day if d >= week_start]
    last7 = [by_day[d] for d in sorted(by_day) if d >= chart_start]
    peak = max((d.sales for d, _v in last7), default=Decimal(0)) or Decimal(1)
    return SellerFigures(
        today=PeriodFigures(
            orders=by_day[today][0].orders, sales=quantize(by_day[today][0].sales), visitors=by_day[today][1]
        ),
        week=PeriodFigures(
            orders=sum(d.orders for d in week),
            sales=quantize(sum((d.sales for d in week), Decimal(0))),
            visitors=week_visitors,
        ),
        chart=[
            ChartDay(day=d.day, orders=d.orders, sales=quantize(d.sales), visitors=v, height=int(100 * d.sales / peak))
            for d, v in last7
        ],
    )
