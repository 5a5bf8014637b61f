"""An order's number is drawn at random (the date, then 10 digits): a draw that meets a number already taken
is drawn again, the whole write rolled back and run anew — never a 500 (bench B1 met two such 500s in a
sell-out of 10,000, with 37,000 orders of the day in the table). PostgreSQL's unique indexes find the
collision; only the draw is steered here, to a number that is taken."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import Sku
from common.idempotency.transaction import WRITE_ATTEMPTS
from orders.models import IdempotencyKey, Order, OrderLine
from orders.services import checkout as checkout_module
from orders.services import checkout_fast_sql
from orders.services.checkout import checkout_place
from orders.services.checkout_fast_sql import checkout_rows_insert_orm
from payments.models import Payment, PaymentAllocation
from tests.clients import client_for
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db
# The two through the API run in real transactions (the key's fate on a real ROLLBACK); the rest inside the
# test's transaction, where the write's own is a savepoint: the same unique violation, rolled back the same way.
REAL_TRANSACTIONS = pytest.mark.django_db(transaction=True)
URL = "/api/v1/checkout/"


class Draws:
    """`order_number_new` that hands out the given numbers first, then draws as it always does."""

    def __init__(self, monkeypatch, numbers: list[str]) -> None:
        self.queued, self.made = list(numbers), []
        real = checkout_module.order_number_new

        def draw(now):
            number = self.queued.pop(0) if self.queued else real(now)
            self.made.append(number)
            return number

        monkeypatch.setattr(checkout_module, "order_number_new", draw)


def taken_number(buyer=None) -> str:
    """A number of the day that an order already holds."""
    sku = sku_in_shop(ShopFactory(), stock=10)
    return (
        checkout_place(buyer=buyer or UserFactory(), address=ADDRESS, items=[{"sku": sku.pk, "quantity": 1}])
        .orders[0]
        .number
    )


def counts() -> tuple[int, int, int, int]:
    return Order.objects.count(), OrderLine.objects.count(), Payment.objects.count(), PaymentAllocation.objects.count()


@REAL_TRANSACTIONS
def test_a_buy_now_that_draws_a_taken_number_draws_again_and_answers_201_once(monkeypatch):
    taken = taken_number()
    sku = sku_in_shop(ShopFactory(), stock=10)
    buyer = UserFactory()
    draws = Draws(monkeypatch, [taken])
    before = counts()

    answer = client_for(buyer, key="buy-1").post(
        URL, {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 2}]}, format="json"
    )

    assert answer.status_code == 201, answer.json()
    (number,) = [o["number"] for o in answer.json()["orders"]]
    assert len(draws.made) == 2 and draws.made[0] == taken and number == draws.made[1] != taken
    assert counts() == tuple(n + 1 for n in before)  # one order, line, payment and allocation: not two
    assert Sku.objects.get(pk=sku.pk).stock == 8  # taken once
    stored = IdempotencyKey.objects.get(user=buyer, key="buy-1")
    assert stored.status_code == 201 and stored.response_json == answer.json()
    replay = client_for(buyer, key="buy-1").post(
        URL, {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 2}]}, format="json"
    )
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.json() == answer.json()


@REAL_TRANSACTIONS
def test_a_number_taken_at_every_draw_is_a_409_busy_to_retry_and_writes_nothing(monkeypatch):
    taken = taken_number()
    sku = sku_in_shop(ShopFactory(), stock=10)
    buyer = UserFactory()
    draws = Draws(monkeypatch, [taken] * WRITE_ATTEMPTS)
    before = counts()

    answer = client_for(buyer, key="buy-2").post(
        URL,
        {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert answer.status_code == 409 and answer.json()["error"]["code"] == "busy"
    assert answer.headers["Retry-After"] == "1" and not answer.json()["error"]["message"].isascii()
    assert draws.made == [taken] * WRITE_ATTEMPTS
    assert counts() == before and Sku.objects.get(pk=sku.pk).stock == 10
    assert not IdempotencyKey.objects.filter(user=buyer).exists()  # the key is free to retry with


def test_two_shops_of_one_checkout_that_draw_the_same_number_draw_again(monkeypatch):
    buyer = UserFactory()
    farm, workshop = sku_in_shop(ShopFactory(), stock=5), sku_in_shop(ShopFactory(), stock=5)
    same = "202612060000000042"
    draws = Draws(monkeypatch, [same, same])

    answer = client_for(buyer).post(
        URL,
        {"address": ADDRESS, "items": [{"sku": farm.pk, "quantity": 1}, {"sku": workshop.pk, "quantity": 1}]},
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    numbers = {o["number"] for o in answer.json()["orders"]}
    assert len(numbers) == 2 and same not in numbers and len(draws.made) == 4
    assert Order.objects.filter(buyer=buyer).count() == 2


@pytest.mark.parametrize("rows_insert", ["statement", "orm"])
def test_the_service_on_its_own_draws_again_with_either_way_of_writing_the_rows(monkeypatch, rows_insert):
    if rows_insert == "orm":  # what SQLite (the embedded default) runs
        monkeypatch.setattr(checkout_module, "checkout_rows_insert", checkout_rows_insert_orm)
    else:
        assert checkout_module.checkout_rows_insert is checkout_fast_sql.checkout_rows_insert
    taken = taken_number()
    sku = sku_in_shop(ShopFactory(), stock=3)
    draws = Draws(monkeypatch, [taken])

    result = checkout_place(buyer=UserFactory(), address=ADDRESS, items=[{"sku": sku.pk, "quantity": 1}])

    assert result.orders[0].number == draws.made[1] != taken
    assert Order.objects.filter(number=result.orders[0].number).exists()
    assert Sku.objects.get(pk=sku.pk).stock == 2


def test_the_checkout_page_draws_again_and_goes_on_to_pay(monkeypatch):
    taken = taken_number()
    sku = sku_in_shop(ShopFactory(), stock=4)
    buyer = UserFactory()
    browser = Client()
    browser.force_login(buyer)
    draws = Draws(monkeypatch, [taken])

    page = browser.post("/checkout/", {**ADDRESS, "sku": sku.pk, "quantity": 1, "idempotency_key": "form-1"})

    assert page.status_code == 302 and page["Location"].startswith("/pay/"), page.content[:300]
    order = Order.objects.get(buyer=buyer)
    assert order.number == draws.made[1] != taken
    assert Sku.objects.get(pk=sku.pk).stock == 3
