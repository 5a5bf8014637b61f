"""Flash deals through the real URLs: the seller starts one, buyers claim it (a checkout at the deal's price)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Sku
from deals.models import Deal, DealBuyer, DealClaim
from live.models import Show, ShowStatus
from orders.models import Order, OrderLine
from tests.clients import client_for
from tests.factories import ADDRESS, ShopFactory, UserFactory, make_show, sku_in_shop

pytestmark = pytest.mark.django_db


def deal_body(sku, **overrides) -> dict:
    return {
        "sku": sku.pk,
        "price": "9.90",
        "quantity": 10,
        "per_buyer_limit": 1,
        "starts_in_seconds": 10,
        "duration_seconds": 60,
        **overrides,
    }


def deal_opened(deal_id: int) -> Deal:
    """The countdown is over (the clock moved on): the window is open for the next minutes."""
    now = timezone.now()
    Deal.objects.filter(pk=deal_id).update(starts_at=now - timedelta(seconds=1), ends_at=now + timedelta(minutes=10))
    return Deal.objects.get(pk=deal_id)


def deal_started(*, stock: int = 100, quantity: int = 10, limit: int = 1, opened: bool = True):
    shop = ShopFactory()
    sku = sku_in_shop(shop, price="28.00", stock=stock)
    show = make_show(shop=shop)
    answer = client_for(shop.owner).post(
        f"/api/v1/seller/shows/{show.pk}/deals/", deal_body(sku, quantity=quantity, per_buyer_limit=limit)
    )
    assert answer.status_code == 201, answer.json()
    deal = Deal.objects.get(pk=answer.json()["id"])
    return (deal_opened(deal.pk) if opened else deal), show, sku


def claim(user, show, deal, *, quantity=1, key: str | None = None):
    return client_for(user, key=key).post(
        f"/api/v1/shows/{show.pk}/deals/{deal.pk}/claim/", {"quantity": quantity, "address": ADDRESS}, format="json"
    )


def test_the_seller_starts_a_deal_with_a_countdown_on_the_servers_clock():
    shop = ShopFactory()
    sku = sku_in_shop(shop, price="28.00", stock=50)
    show = make_show(shop=shop)
    before = timezone.now()

    answer = client_for(shop.owner).post(f"/api/v1/seller/shows/{show.pk}/deals/", deal_body(sku, starts_in_seconds=30))

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["status"] == "upcoming" and body["remaining"] == 10 and body["price"] == "9.90"
    deal = Deal.objects.get(pk=body["id"])
    assert timedelta(seconds=29) < deal.starts_at - before < timedelta(seconds=31)
    assert deal.ends_at - deal.starts_at == timedelta(seconds=60)
    assert Sku.objects.get(pk=sku.pk).stock == 50  # a deal reserves nothing: claims take the stock


def test_one_open_or_upcoming_deal_per_show_and_only_in_a_show_not_ended():
    deal, show, sku = deal_started()

    second = client_for(show.shop.owner).post(f"/api/v1/seller/shows/{show.pk}/deals/", deal_body(sku))
    assert second.status_code == 409 and second.json()["error"]["code"] == "deal_running"

    Deal.objects.filter(pk=deal.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    assert client_for(show.shop.owner).post(f"/api/v1/seller/shows/{show.pk}/deals/", deal_body(sku)).status_code == 201

    ended = make_show(shop=show.shop)
    Show.objects.filter(pk=ended.pk).update(status=ShowStatus.ENDED)
    late = client_for(show.shop.owner).post(f"/api/v1/seller/shows/{ended.pk}/deals/", deal_body(sku))
    assert late.status_code == 409 and late.json()["error"]["code"] == "invalid_state"


def test_the_seller_may_offer_only_the_shops_skus_below_the_list_price_within_stock():
    shop = ShopFactory()
    sku = sku_in_shop(shop, price="28.00", stock=5)
    elsewhere = sku_in_shop(ShopFactory(), price="28.00", stock=5)
    show = make_show(shop=shop)
    seller = client_for(shop.owner)
    url = f"/api/v1/seller/shows/{show.pk}/deals/"

    assert seller.post(url, deal_body(elsewhere)).status_code == 404
    not_lower = seller.post(url, deal_body(sku, price="28.00"))
    assert not_lower.status_code == 400 and "price" in not_lower.json()["error"]["fields"]
    too_many = seller.post(url, deal_body(sku, quantity=6))
    assert too_many.status_code == 400 and "quantity" in too_many.json()["error"]["fields"]
    assert not Deal.objects.exists()


def test_a_claim_is_an_escrow_order_at_the_deals_price_attributed_to_the_show():
    deal, show, sku = deal_started(stock=100, quantity=10, limit=2)
    buyer = UserFactory()

    answer = claim(buyer, show, deal, quantity=2, key="grab-1")

    assert answer.status_code == 201, answer.json()
    (order_body,) = answer.json()["orders"]
    assert order_body["status"] == "pending_payment" and order_body["total"] == "19.80"
    assert answer.json()["payment"]["pay_url"]
    order = Order.objects.get(number=order_body["number"])
    assert (order.source_kind, order.source_id) == ("show", show.pk)
    line = OrderLine.objects.get(order=order)
    assert (line.unit_price, line.list_price) == (Decimal("9.90"), Decimal("28.00"))
    assert Sku.objects.get(pk=sku.pk).stock == 98
    assert Deal.objects.get(pk=deal.pk).remaining == 8
    assert DealClaim.objects.get(order=order).quantity == 2
    replay = claim(buyer, show, deal, quantity=2, key="grab-1")
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1


def test_claims_before_the_countdown_or_after_the_window_are_deal_over():
    deal, show, sku = deal_started(opened=False)
    buyer = UserFactory()

    early = claim(buyer, show, deal)
    assert early.status_code == 409 and early.json()["error"]["code"] == "deal_over"

    Deal.objects.filter(pk=deal.pk).update(
        starts_at=timezone.now() - timedelta(minutes=2), ends_at=timezone.now() - timedelta(seconds=1)
    )
    late = claim(buyer, show, deal)
    assert late.status_code == 409 and late.json()["error"]["code"] == "deal_over"
    assert not Order.objects.exists() and Sku.objects.get(pk=sku.pk).stock == 100


def test_over_the_limit_or_more_than_is_left_is_refused_and_nothing_is_written():
    deal, show, sku = deal_started(quantity=3, limit=2)
    buyer = UserFactory()

    over = claim(buyer, show, deal, quantity=3)
    assert over.status_code == 409 and over.json()["error"]["code"] == "limit_reached"
    assert claim(buyer, show, deal, quantity=2).status_code == 201
    again = claim(buyer, show, deal, quantity=1)
    assert again.status_code == 409 and again.json()["error"]["code"] == "limit_reached"
    gone = claim(UserFactory(), show, deal, quantity=2)
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "out_of_stock"
    assert Order.objects.count() == 1 and Sku.objects.get(pk=sku.pk).stock == 98


def test_a_claim_that_draws_a_taken_order_number_runs_again_and_gives_its_units_back_first(monkeypatch):
    """The whole claim runs again (orders/tests/api/test_order_number_draws.py): the buyer's row, the deal's
    units and the deal's gate in Redis are taken once, not once per run."""
    from orders.tests.api.test_order_number_draws import Draws, taken_number

    deal, show, sku = deal_started(quantity=2, limit=1)
    buyer = UserFactory()
    draws = Draws(monkeypatch, [taken_number()])

    answer = claim(buyer, show, deal, key="grab-taken")

    assert answer.status_code == 201, answer.json()
    assert answer.json()["orders"][0]["number"] == draws.made[1] != draws.made[0]
    assert DealBuyer.objects.get(deal=deal, buyer=buyer).claimed == 1
    assert Deal.objects.get(pk=deal.pk).remaining == 1 and DealClaim.objects.filter(deal=deal).count() == 1
    assert claim(UserFactory(), show, deal).status_code == 201  # the gate kept the last unit for the next buyer
    gone = claim(UserFactory(), show, deal)
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "out_of_stock"
    assert Sku.objects.get(pk=sku.pk).stock == 98


def test_a_deal_of_another_show_is_not_there():
    deal, _show, _sku = deal_started()
    other = make_show()

    assert claim(UserFactory(), other, deal).status_code == 404
    assert not Order.objects.exists()


def test_the_shows_detail_carries_the_deal_and_its_statistics_the_sell_through():
    deal, show, sku = deal_started(quantity=4, limit=2)
    assert claim(UserFactory(), show, deal, quantity=2).status_code == 201

    detail = client_for().get(f"/api/v1/shows/{show.pk}/").json()["deal"]
    assert (detail["id"], detail["status"], detail["remaining"], detail["price"]) == (deal.pk, "open", 2, "9.90")
    assert detail["now"] and detail["title"] == sku.product.title
    stats = client_for(show.shop.owner).get(f"/api/v1/seller/shows/{show.pk}/stats/").json()
    assert list(stats["parts"]["deal"].values()) == ["2 / 4", "50%"]


def test_operators_read_the_deals_and_their_claims_in_admin():
    from django.test import Client

    from tests.factories import OperatorFactory

    deal, show, _sku = deal_started()
    assert claim(UserFactory(), show, deal).status_code == 201
    operator = Client()
    operator.force_login(OperatorFactory())

    assert operator.get("/admin/deals/deal/").status_code == 200
    page = operator.get(f"/admin/deals/deal/{deal.pk}/change/")
    assert page.status_code == 200 and Order.objects.get().number in page.content.decode()
