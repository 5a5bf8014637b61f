"""The seller center's dashboard: to-do counters first, then the week's figures, in bounded queries."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from chat.models import Conversation
from orders.models import Order
from orders.services.lifecycle import order_confirm_receipt
from orders.services.refunds import refund_request_create
from orders.services.reviews import review_create
from orders.tests.helpers import placed_paid, placed_shipped
from shops.visits import shop_visit_record
from tests.factories import PASSWORD, ProductFactory, ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def _number(html: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(?:<span class="num">)?([^<]*)<', html)
    assert match, testid
    return match.group(1).strip()


@pytest.fixture
def shop_world():
    """A shop with 2 orders to ship, 1 refund request waiting, 4 unread chat messages, 3 low SKUs and 1
    review to reply to; another shop with its own of each, which must not count."""
    shop = ShopFactory()
    other = ShopFactory()
    buyer = UserFactory()
    sku = sku_in_shop(shop, price="28.00", stock=100)
    placed_paid(buyer, sku, 1)  # to ship
    placed_paid(buyer, sku, 2)  # to ship
    refunded = placed_shipped(buyer, sku, 1)
    request = refund_request_create(order_id=refunded.pk, buyer=buyer, reason="坏了")
    done = placed_shipped(buyer, sku, 3)
    order_confirm_receipt(order_id=done.pk, actor=buyer)
    review_create(
        order_id=done.pk,
        buyer=buyer,
        line_id=done.lines.get().pk,
        rating=5,
        as_described=5,
        communication=5,
        shipping=5,
    )
    for stock in (0, 1, 4):  # low: under 5
        SkuFactory(product=ProductFactory(shop=shop), stock=stock)
    SkuFactory(product=ProductFactory(shop=shop), stock=5)  # not low
    Conversation.objects.create(buyer=buyer, shop=shop, shop_unread=4)
    # the other shop's to-dos
    other_sku = sku_in_shop(other, stock=2)
    placed_paid(buyer, other_sku, 1)
    Conversation.objects.create(buyer=UserFactory(), shop=other, shop_unread=7)
    return {"shop": shop, "buyer": buyer, "refund_request": request, "sku": sku}


def test_dashboard_counters_match_the_shop_data(client, shop_world):
    shop = shop_world["shop"]
    client.login(username=shop.owner.username, password=PASSWORD)

    html = client.get("/seller/").content.decode()

    assert _number(html, "todo-to-ship") == "2"
    assert _number(html, "todo-refunds") == "1"
    assert _number(html, "todo-chats") == "4"
    assert _number(html, "todo-low-stock") == "3"
    assert _number(html, "todo-reviews") == "1"
    due = timezone.localtime(shop_world["refund_request"].respond_by).strftime("%m-%d %H:%M")
    assert due in html
    # paid today: 2 to ship + the refunding one + the completed one; 28 + 56 + 28 + 84
    assert _number(html, "today-orders") == "4"
    assert _number(html, "today-sales") == "¥196.00"
    # the owner sees the money in escrow (3 orders paid and not confirmed: 28 + 56 + 28) and what is available
    assert "¥112.00" in re.search(r'data-testid="dashboard-money".*?</a>', html, re.S).group(0)
    # the menu carries the same counts as badges
    assert _number(html, "badge-orders") == "3"
    assert _number(html, "badge-reviews") == "1"
    assert _number(html, "badge-products") == "3"
    assert _number(html, "badge-inbox") == "4"


def test_each_counter_links_to_its_filtered_list(client, shop_world):
    shop = shop_world["shop"]
    client.login(username=shop.owner.username, password=PASSWORD)

    to_ship = client.get("/seller/orders/?status=paid").content.decode()
    refunds = client.get("/seller/orders/?refund=open").content.decode()
    low = client.get("/seller/products/?stock=low").content.decode()
    reviews = client.get("/seller/reviews/?filter=unreplied").content.decode()

    assert to_ship.count('data-testid="seller-order"') == 2
    assert refunds.count('data-testid="seller-order"') == 1
    assert shop_world["refund_request"].order.number in refunds
    assert low.count('data-testid="seller-product"') == 3
    assert reviews.count('data-testid="seller-review"') == 1


def test_orders_paid_before_the_week_do_not_count(client, shop_world):
    shop = shop_world["shop"]
    old = placed_paid(shop_world["buyer"], shop_world["sku"], 1)
    Order.objects.filter(pk=old.pk).update(paid_at=timezone.now() - timedelta(days=8))
    client.login(username=shop.owner.username, password=PASSWORD)

    html = client.get("/seller/").content.decode()

    assert _number(html, "today-orders") == "4"  # the order paid 8 days ago is in neither figure
    assert Decimal(_number(html, "week-sales").lstrip("¥")) == Decimal("196.00")


def test_visitors_are_counted_once_per_person_and_day(client, shop_world):
    shop = shop_world["shop"]
    product = shop_world["sku"].product
    visitor = UserFactory()
    client.login(username=visitor.username, password=PASSWORD)
    for _ in range(3):
        assert client.get(f"/product/{product.pk}/").status_code == 200
    client.logout()
    client.get(f"/product/{product.pk}/")  # an anonymous visitor
    client.login(username=shop.owner.username, password=PASSWORD)

    html = client.get("/seller/").content.decode()

    assert _number(html, "today-visitors") == "2"
    assert _number(html, "week-visitors") == "2"


@pytest.mark.parametrize("redis_is", ["unreachable", "not configured"])
def test_visits_are_not_counted_when_redis_is_unreachable(client, rf, shop_world, monkeypatch, redis_is):
    import redis

    down = redis.Redis(host="127.0.0.1", port=1)
    monkeypatch.setattr("shops.visits.raw_redis", lambda: down if redis_is == "unreachable" else None)
    request = rf.get("/")
    request.user = shop_world["buyer"]
    shop_visit_record(shop_id=shop_world["shop"].pk, request=request)  # no error
    # the seller center shows no visitor figure rather than a 0 nobody counted; the rest as ever
    client.login(username=shop_world["shop"].owner.username, password=PASSWORD)
    html = client.get("/seller/").content.decode()
    assert 'data-testid="today-visitors"' not in html and 'data-testid="week-visitors"' not in html
    assert "访客" not in html and _number(html, "today-sales") == "¥196.00"


def test_dashboard_queries_do_not_grow_with_the_shop(client, django_assert_max_num_queries):
    shop = ShopFactory()
    buyer = UserFactory()
    client.login(username=shop.owner.username, password=PASSWORD)
    sku = sku_in_shop(shop)
    placed_paid(buyer, sku)
    client.get("/seller/")  # warm: sessions, content types
    with django_assert_max_num_queries(16):
        assert client.get("/seller/").status_code == 200
    for _ in range(60):
        SkuFactory(product=ProductFactory(shop=shop, sales_count=3), stock=2)
    for _ in range(25):
        placed_paid(buyer, sku)

    with django_assert_max_num_queries(16):
        response = client.get("/seller/")

    assert _number(response.content.decode(), "todo-to-ship") == "26"
    assert _number(response.content.decode(), "todo-low-stock") == "60"


def test_staff_see_the_to_dos_but_not_the_money(client, shop_world):
    from shops.models import ShopMember

    helper = UserFactory()
    ShopMember.objects.create(shop=shop_world["shop"], user=helper, role=ShopMember.Role.STAFF)
    client.login(username=helper.username, password=PASSWORD)

    html = client.get("/seller/").content.decode()

    assert _number(html, "todo-to-ship") == "2"
    assert 'data-testid="dashboard-money"' not in html


def test_sales_read_in_yuan_and_fen_whatever_the_database_sums_to(monkeypatch):
    """SQLite sums prices to a whole number (628) where PostgreSQL keeps the cents (628.00): the figures are money."""
    from datetime import date, timedelta

    from marketplace.seller_center import seller_figures
    from orders.selectors import SalesDay

    today = date(2026, 12, 2)  # a Wednesday
    days = [SalesDay(day=today - timedelta(days=n), orders=1, sales=Decimal("628")) for n in range(8, -1, -1)]
    monkeypatch.setattr("marketplace.seller_center.seller_daily_sales", lambda **_: days)
    monkeypatch.setattr("marketplace.seller_center.shop_visitors", lambda **_: None)
    figures = seller_figures(shop_id=1, today=today)
    assert (str(figures.today.sales), str(figures.week.sales)) == ("628.00", "1884.00")
    assert {str(d.sales) for d in figures.chart} == {"628.00"} and figures.today.visitors is None
