"""The checkout's answer built from plain values (checkout_answer_fast) against its definition, CheckoutOut."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from orders.serializers.checkout_answer_fast import checkout_answer_fast
from orders.serializers.orders import checkout_answer_serialized
from orders.services.cart import cart_item_add
from orders.services.checkout import checkout_place
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_the_plain_answer_is_the_serializers_key_for_key():
    # given checkouts of two shops' SKUs (three lines, amounts that need their two decimals) and of one SKU
    buyer = UserFactory()
    farm, workshop = ShopFactory(), ShopFactory()
    radish, sausage = sku_in_shop(farm, price="28.00", stock=50), sku_in_shop(farm, price="0.10", stock=50)
    stool = sku_in_shop(workshop, price="89.5", stock=50)
    for sku, quantity in ((radish, 2), (sausage, 3), (stool, 1)):
        cart_item_add(user=buyer, sku_id=sku.pk, quantity=quantity)
    now = datetime(2026, 12, 5, 10, 30, tzinfo=UTC)
    results = [
        checkout_place(buyer=buyer, address=ADDRESS, now=now),
        checkout_place(buyer=buyer, address=ADDRESS, items=[{"sku": stool.pk, "quantity": 2}], now=now),
    ]

    for result in results:
        # when each is answered both ways
        fast, serialized = checkout_answer_fast(result), checkout_answer_serialized(result)

        # then the answers are the same, as values and as JSON text (key order included)
        assert fast == serialized
        assert json.dumps(fast, ensure_ascii=False) == json.dumps(serialized, ensure_ascii=False)
    assert [len(o["lines"]) for o in checkout_answer_fast(results[0])["orders"]] == [2, 1]
    assert checkout_answer_fast(results[0])["orders"][0]["lines"][1]["subtotal"] == "0.30"


def test_the_api_answers_and_replays_the_plain_answer():
    sku = sku_in_shop(ShopFactory(), price="9.90", stock=5)
    client = APIClient()
    client.force_authenticate(UserFactory())
    body, key = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 2}]}, uuid.uuid4().hex

    placed = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    replayed = client.post("/api/v1/checkout/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    assert placed.status_code == replayed.status_code == 201
    assert replayed.json() == placed.json()
    order = placed.json()["orders"][0]
    assert order["total"] == "19.80" and order["status"] == "pending_payment" and order["currency"] == "CNY"
    assert set(placed.json()["payment"]) == {"id", "amount", "currency", "status", "pay_url"}
