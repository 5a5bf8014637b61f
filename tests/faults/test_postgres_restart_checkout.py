"""PostgreSQL restarts during checkout load: afterwards no order lacks its stock reservation or payment,
each checkout (Idempotency-Key) placed at most one order, and the app answers normally again at once
(it reconnects; no 500 storm)."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum

from orders.models import Order, OrderLine
from payments.models import Payment
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop, token_for
from tests.faults.services import postgres_restart

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

STOCK = 1000
BUYERS = 6
LOAD_SECONDS = 14


def _post(server, path: str, token: str, body: dict, key: str) -> int:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json", "Idempotency-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def _get(server, path: str, token: str) -> int:
    request = urllib.request.Request(server.url + path, headers={"Authorization": f"Token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_postgres_restart_during_checkout_load(asgi_server):
    skus = [sku_in_shop(ShopFactory(), price="12.50", stock=STOCK) for _ in range(3)]
    buyers = [UserFactory() for _ in range(BUYERS)]
    tokens = {buyer.pk: token_for(buyer) for buyer in buyers}
    placed: Counter = Counter()  # buyer id → checkouts answered 201
    statuses: Counter = Counter()
    stop = threading.Event()

    def shopper(buyer_id: int, sku_id: int):
        while not stop.is_set():
            key = uuid.uuid4().hex
            body = {"address": ADDRESS, "items": [{"sku": sku_id, "quantity": 1}]}
            for _attempt in range(60):  # the same key until the checkout is answered for good
                status = _post(asgi_server, "/api/v1/checkout/", tokens[buyer_id], body, key)
                statuses[status] += 1
                if status == 201:
                    placed[buyer_id] += 1
                    break
                if status in {400, 404}:
                    raise AssertionError(f"checkout refused with {status}")
                time.sleep(0.3)

    threads = [threading.Thread(target=shopper, args=(buyer.pk, skus[i % 3].pk)) for i, buyer in enumerate(buyers)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        postgres_restart()
        time.sleep(LOAD_SECONDS - 3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        connections.close_all()  # this process's connection died with the restart

    assert not any(thread.is_alive() for thread in threads)
    assert statuses[201] > 0 and sum(placed.values()) == statuses[201]

    # No 500 storm afterwards: the app reconnected, every request is answered normally.
    token = tokens[buyers[0].pk]
    after = [_get(asgi_server, "/api/v1/orders/", token) for _ in range(15)]
    after += [
        _post(
            asgi_server,
            "/api/v1/checkout/",
            token,
            {"address": ADDRESS, "items": [{"sku": skus[0].pk, "quantity": 1}]},
            uuid.uuid4().hex,
        )
        for _ in range(5)
    ]
    assert after == [200] * 15 + [201] * 5, after
    placed[buyers[0].pk] += 5

    # Each answered checkout is exactly one order; none lost, none doubled.
    per_buyer = Counter(Order.objects.values_list("buyer_id", flat=True))
    assert per_buyer == placed
    # Every order has its stock reservation: stock + reserved = what there was.
    for sku in skus:
        sku.refresh_from_db()
        reserved = OrderLine.objects.filter(sku=sku).aggregate(n=Sum("quantity"))["n"] or 0
        assert sku.stock + reserved == STOCK, (sku.pk, sku.stock, reserved)
    # ...and its payment record, for the right amount.
    for payment in Payment.objects.all():
        total = Order.objects.filter(payment=payment).aggregate(t=Sum("total"))["t"] or Decimal("0")
        assert payment.amount == total and total > 0, payment.pk
    assert not Order.objects.filter(payment__isnull=True).exists()
