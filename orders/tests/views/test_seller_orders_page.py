"""The seller's orders page: a refund request replaces the ship form, the common carriers, packing slips."""

from __future__ import annotations

import re

import pytest

from orders.models import Order
from orders.services.refunds import refund_request_create, refund_request_deny, refund_request_reject
from orders.tests.helpers import placed_paid
from tests.factories import PASSWORD, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def _card(html: str, number: str) -> str:
    return re.search(rf'data-number="{number}".*?</article>', html, re.S).group(0)


@pytest.fixture
def paid_order():
    shop = ShopFactory()
    order = placed_paid(UserFactory(), sku_in_shop(shop), 2)
    return order


def test_an_order_with_an_open_refund_request_shows_the_request_not_the_ship_form(client, paid_order):
    shop = paid_order.shop
    request = refund_request_create(order_id=paid_order.pk, buyer=paid_order.buyer, reason="不想要了")
    client.login(username=shop.owner.username, password=PASSWORD)

    card = _card(client.get("/seller/orders/").content.decode(), paid_order.number)

    assert 'data-testid="refund-request"' in card and "不想要了" in card
    assert f"/seller/refund-requests/{request.pk}/accept/" in card
    assert 'data-testid="ship-form"' not in card

    # refused: it goes to the platform, and stays in place of the ship form until an operator decides
    refund_request_reject(refund_request_id=request.pk, actor=shop.owner, note="已经发货准备中")
    card = _card(client.get("/seller/orders/").content.decode(), paid_order.number)
    assert 'data-testid="refund-request"' in card and 'data-testid="ship-form"' not in card

    refund_request_deny(
        refund_request_id=request.pk, actor=UserFactory(is_staff=True, is_superuser=True), note="卖家可以发货"
    )
    card = _card(client.get("/seller/orders/").content.decode(), paid_order.number)
    assert 'data-testid="ship-form"' in card and 'data-testid="refund-request"' not in card


def test_the_ship_form_offers_the_common_carriers_and_takes_another(client, paid_order):
    shop = paid_order.shop
    client.login(username=shop.owner.username, password=PASSWORD)
    card = _card(client.get("/seller/orders/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), paid_order.number)
    for name in ("顺丰", "中通", "圆通", "韵达", "申通", "EMS", "京东", "极兔", "SF Express", "J&amp;T Express"):
        assert name in card, name

    response = client.post(
        f"/seller/orders/{paid_order.number}/ship/",
        {"carrier": "", "carrier_other": "德邦快递", "tracking_number": "DB0001"},
    )
    assert response.status_code == 302
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.SHIPPED and paid_order.carrier == "德邦快递"


@pytest.mark.parametrize(
    ("posted", "said"),
    [
        ({"carrier": "", "carrier_other": "", "tracking_number": "DB0001"}, "快递公司：此项为必填项。"),
        ({"carrier": "顺丰速运 SF Express", "carrier_other": "", "tracking_number": ""}, "快递单号：此项为必填项。"),
    ],
)
def test_a_refused_shipment_names_its_order_and_field(client, paid_order, posted, said):
    """The list shows a ship form per order: the refusal says which order, and which of its fields."""
    client.login(username=paid_order.shop.owner.username, password=PASSWORD)
    page = client.post(f"/seller/orders/{paid_order.number}/ship/", posted, follow=True).content.decode()
    assert f"订单 {paid_order.number} 未发货：{said}" in page
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PAID


def test_the_ship_form_stores_the_chosen_carrier(client, paid_order):
    client.login(username=paid_order.shop.owner.username, password=PASSWORD)
    client.post(
        f"/seller/orders/{paid_order.number}/ship/",
        {"carrier": "极兔速递 J&T Express", "carrier_other": "", "tracking_number": "JT0001"},
    )
    paid_order.refresh_from_db()
    assert paid_order.carrier == "极兔速递 J&T Express"


def test_the_packing_slip_is_a_printable_page_of_the_shops_own_order(client, paid_order):
    shop = paid_order.shop
    client.login(username=shop.owner.username, password=PASSWORD)

    slip = client.get(f"/seller/orders/{paid_order.number}/packing-slip/")
    html = slip.content.decode()

    assert slip.status_code == 200
    assert paid_order.ship_name in html and paid_order.ship_line in html
    line = paid_order.lines.get()
    assert line.product_title in html and line.sku_name in html
    assert "packing-slip.css" in html and "¥" not in html  # a slip shows no prices

    stranger = ShopFactory()
    client.login(username=stranger.owner.username, password=PASSWORD)
    assert client.get(f"/seller/orders/{paid_order.number}/packing-slip/").status_code == 404


def test_the_status_tabs_count_the_orders(client, paid_order):
    shop = paid_order.shop
    placed_paid(UserFactory(), sku_in_shop(shop), 1)
    refund_request_create(order_id=paid_order.pk, buyer=paid_order.buyer, reason="坏了")
    client.login(username=shop.owner.username, password=PASSWORD)

    html = client.get("/seller/orders/").content.decode()

    assert re.search(r'data-testid="tab-paid">[^<]*<span class="count">2</span>', html)
    assert re.search(r'data-testid="tab-refunds">[^<]*<span class="count">1</span>', html)
