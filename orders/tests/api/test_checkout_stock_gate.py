"""Buy-now through the API with the stock gate (catalog.stock_gate, orders.services.checkout_gate): once
PostgreSQL has answered "sold out", late buyers are refused without touching the SKU's row; a retry of an
answered request is still replayed; a cancelled order puts the SKU back on sale at once."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from catalog.models import Sku
from common.cache import raw_redis
from common.ratelimit import rate_limit_window
from orders.models import Order
from orders.services.lifecycle import order_cancel
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop
from tests.ratelimits import inside_one_window

URL = "/api/v1/checkout/"


def buy_now(client: APIClient, sku: Sku, *, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}, format="json", **headers)


def buyer_client() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client


@pytest.mark.django_db(transaction=True)
def test_sold_out_buy_now_is_refused_without_touching_the_sku():
    sku = sku_in_shop(ShopFactory(), stock=1)
    first, late = buyer_client(), buyer_client()
    assert buy_now(first, sku).status_code == 201
    assert buy_now(late, sku).status_code == 409  # PostgreSQL's answer closes the gate

    with CaptureQueriesContext(connection) as queries:
        refused = buy_now(late, sku, key=uuid.uuid4().hex)

    assert refused.status_code == 409
    body = refused.json()["error"]
    assert body["code"] == "out_of_stock" and body["details"] == {"sku": sku.pk, "available": 0}
    assert sku.name in body["message"] and sku.product.title in body["message"]
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1, statements  # the Idempotency-Key was never used: nothing to replay
    assert not any("catalog_sku" in sql for sql in statements)
    assert Order.objects.filter(lines__sku=sku).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_of_an_answered_purchase_is_replayed_after_the_sell_out():
    sku = sku_in_shop(ShopFactory(), stock=1)
    buyer, key = buyer_client(), uuid.uuid4().hex
    placed = buy_now(buyer, sku, key=key)
    assert placed.status_code == 201
    assert buy_now(buyer_client(), sku).status_code == 409  # sold out, gate closed

    retried = buy_now(buyer, sku, key=key)

    assert retried.status_code == 201
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json() == placed.json()


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_order_puts_the_sku_back_on_sale_at_once():
    sku = sku_in_shop(ShopFactory(), stock=1)
    first = UserFactory()
    client = APIClient()
    client.force_authenticate(first)
    number = buy_now(client, sku).json()["orders"][0]["number"]
    late = buyer_client()
    assert buy_now(late, sku).status_code == 409

    order_cancel(order_id=Order.objects.get(number=number).pk, actor=first, reason="buyer")

    assert buy_now(late, sku).status_code == 201
    assert Sku.objects.get(pk=sku.pk).stock == 0


@pytest.mark.django_db(transaction=True)
def test_a_keyless_refusal_makes_no_query_at_all():
    """Without an Idempotency-Key there is nothing to replay: the gate's answer touches no PostgreSQL."""
    sku = sku_in_shop(ShopFactory(), stock=1)
    assert buy_now(buyer_client(), sku).status_code == 201
    late = buyer_client()
    assert buy_now(late, sku).status_code == 409  # PostgreSQL's answer closes the gate

    with CaptureQueriesContext(connection) as queries:
        refused = buy_now(late, sku)

    assert refused.status_code == 409 and refused.json()["error"]["code"] == "out_of_stock"
    assert queries.captured_queries == []


def _checkout_hits(user) -> int:
    window = rate_limit_window(scope="checkout", identity=f"u{user.pk}")
    return int(raw_redis().get(window.redis_key) or 0)


@pytest.mark.django_db(transaction=True)
def test_the_gate_and_the_rate_limit_are_one_redis_round_trip_and_the_limit_holds(settings, monkeypatch):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "checkout": "2/h"}
    inside_one_window("2/h", seconds=10)
    sku = sku_in_shop(ShopFactory(), stock=10)
    buyer = UserFactory()
    client = APIClient()
    client.force_authenticate(buyer)
    sent: list[str] = []
    execute_command, pipeline_execute = redis.Redis.execute_command, redis.client.Pipeline.execute

    def command(self, *args, **options):
        sent.append(str(args[0]).upper())
        return execute_command(self, *args, **options)

    def pipeline(self, *args, **kwargs):
        sent.append("PIPELINE")
        return pipeline_execute(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", command)
    monkeypatch.setattr(redis.client.Pipeline, "execute", pipeline)

    # when the buyer buys now twice within a limit of two per hour
    answers = [buy_now(client, sku, key=uuid.uuid4().hex).status_code for _ in range(2)]

    # then each was one script call to Redis before its commit, the gate and the count, and nothing else
    # (the order events are their own outbox, in PostgreSQL)
    assert answers == [201, 201]
    assert sent == ["EVALSHA"] * 2, sent
    assert _checkout_hits(buyer) == 2
    ttl = raw_redis().ttl(rate_limit_window(scope="checkout", identity=f"u{buyer.pk}").redis_key)
    assert 0 < ttl <= 3601
    # and a third is over the limit: 429 with Retry-After, nothing placed
    limited = buy_now(client, sku, key=uuid.uuid4().hex)
    assert limited.status_code == 429 and int(limited["Retry-After"]) >= 1
    assert Order.objects.filter(buyer=buyer).count() == 2
    assert Sku.objects.get(pk=sku.pk).stock == 8


@pytest.mark.django_db(transaction=True)
def test_a_buy_now_the_gate_refuses_is_not_counted_by_the_rate_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "checkout": "1/h"}
    inside_one_window("1/h", seconds=10)
    sku = sku_in_shop(ShopFactory(), stock=1)
    assert buy_now(buyer_client(), sku).status_code == 201
    late = UserFactory()
    client = APIClient()
    client.force_authenticate(late)
    assert buy_now(client, sku).json()["error"]["code"] == "out_of_stock"  # PostgreSQL's answer, counted
    assert _checkout_hits(late) == 1

    refused = [buy_now(client, sku) for _ in range(2)]  # the gate's answers: not counted, never a 429

    assert [r.json()["error"]["code"] for r in refused] == ["out_of_stock", "out_of_stock"]
    assert _checkout_hits(late) == 1
