"""Accepting an offer is a checkout at the offer's prices: one order, stock reserved then, never twice."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import Sku
from offers.models import Offer
from offers.services import offer_create
from orders.models import Order, OrderLine
from orders.services.lifecycle import order_commission
from payments.models import Payment
from tests.clients import client_for
from tests.factories import ADDRESS, ConversationFactory, ProductWithSkuFactory, UserFactory


def make_offer(*, stock: int = 40, quantity: int = 2, price: str = "50.00", shipping_fee: str = "8.00") -> Offer:
    conversation = ConversationFactory()
    sku = Sku.objects.get(product=ProductWithSkuFactory(shop=conversation.shop))
    Sku.objects.filter(pk=sku.pk).update(stock=stock)
    return offer_create(
        user=conversation.shop.owner,
        conversation=conversation,
        lines=[{"sku": sku.pk, "quantity": quantity, "price": price}],
        shipping_fee=shipping_fee,
    )


@pytest.mark.django_db
def test_accepting_places_an_escrow_order_at_the_offered_prices_and_reserves_the_stock():
    offer = make_offer(stock=40)
    line = offer.lines.get()

    answer = client_for(offer.buyer, key="accept-1").post(
        f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json"
    )

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    (order_body,) = body["orders"]
    assert order_body["status"] == "pending_payment"
    assert order_body["total"] == "108.00"
    order = Order.objects.get(number=order_body["number"])
    assert order.shipping_fee == Decimal("8.00")
    order_line = OrderLine.objects.get(order=order)
    assert (order_line.unit_price, order_line.list_price) == (Decimal("50.00"), line.list_price)
    assert Payment.objects.get(pk=order.payment_id).amount == Decimal("108.00")
    assert Sku.objects.get(pk=line.sku_id).stock == 38
    offer.refresh_from_db()
    assert (offer.status, offer.order_id) == ("accepted", order.pk)
    card = client_for(offer.buyer).get(f"/api/v1/offers/{offer.pk}/").json()
    assert card["order"] == {"number": order.number, "status": "pending_payment"}


@pytest.mark.django_db
def test_commission_is_on_the_offered_goods_price_not_the_list_price_nor_shipping():
    offer = make_offer(price="50.00", shipping_fee="8.00")
    client_for(offer.buyer).post(f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json")
    order = Order.objects.get()
    rate = OrderLine.objects.get(order=order).commission_rate

    assert order_commission(order=order, amount=order.total) == (Decimal("100.00") * rate).quantize(Decimal("0.01"))


@pytest.mark.django_db
def test_the_same_key_replays_and_another_accept_is_refused_with_one_order():
    offer = make_offer()
    first = client_for(offer.buyer, key="k1").post(
        f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json"
    )
    replay = client_for(offer.buyer, key="k1").post(
        f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json"
    )
    again = client_for(offer.buyer, key="k2").post(
        f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json"
    )

    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_short_stock_refuses_and_the_offer_stays_open():
    offer = make_offer(stock=1, quantity=2)

    answer = client_for(offer.buyer).post(f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json")

    assert answer.status_code == 409 and answer.json()["error"]["code"] == "out_of_stock"
    offer.refresh_from_db()
    assert offer.status == "pending" and not Order.objects.exists()


@pytest.mark.django_db
def test_an_expired_offer_or_a_bad_address_is_refused_and_nothing_is_written():
    offer = make_offer()
    buyer = client_for(offer.buyer)

    bad = buyer.post(f"/api/v1/offers/{offer.pk}/accept/", {"address": {"name": "x"}}, format="json")
    assert bad.status_code == 400 and "address.phone" in bad.json()["error"]["fields"]

    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    late = buyer.post(f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "invalid_state"
    assert not Order.objects.exists()


@pytest.mark.django_db
def test_only_the_buyer_accepts():
    offer = make_offer()

    assert (
        client_for(offer.shop.owner)
        .post(f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json")
        .status_code
        == 403
    )
    assert (
        client_for(UserFactory())
        .post(f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json")
        .status_code
        == 404
    )
    assert not Order.objects.exists()


def _race(calls) -> list[int]:
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
            return call().status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.mark.django_db(transaction=True)
def test_twenty_accepts_at_once_make_one_order():
    offer = make_offer(stock=100)

    codes = _race(
        [
            lambda i=i: client_for(offer.buyer, key=f"race-{i}").post(
                f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json"
            )
            for i in range(20)
        ]
    )

    assert sorted(codes) == [201] + [409] * 19
    assert Order.objects.count() == 1
    assert Sku.objects.get(pk=offer.lines.get().sku_id).stock == 98


@pytest.mark.django_db(transaction=True)
def test_accept_racing_withdraw_has_exactly_one_winner():
    for _round in range(3):
        offer = make_offer(stock=100)
        codes = _race(
            [
                lambda offer=offer: client_for(offer.buyer).post(
                    f"/api/v1/offers/{offer.pk}/accept/", {"address": ADDRESS}, format="json"
                ),
                lambda offer=offer: client_for(offer.shop.owner).post(f"/api/v1/offers/{offer.pk}/withdraw/"),
            ]
        )
        offer.refresh_from_db()
        accepted = offer.status == "accepted"
        assert offer.status in ("accepted", "withdrawn")
        assert codes == ([201, 409] if accepted else [409, 200])
        assert Order.objects.filter(pk=offer.order_id).count() == (1 if accepted else 0)
