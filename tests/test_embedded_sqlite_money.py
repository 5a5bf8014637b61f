"""The embedded default's money path on SQLite (`make run` without DATABASE_URL): the SQLite branches of the
idempotency claim (common/idempotency/claims.py), stock reserve and release (catalog/services/stock.py), the payment
lock (payments/lock_objects.py) and the lock-error check (common/db.py) — in a process of its own on a fresh
SQLite file, through the API as a buyer would."""

from __future__ import annotations

import pytest

from tests.embedded_sqlite import sqlite_script

SCRIPT = r"""
import json
from django.db import connection
from django.test import Client
from catalog.models import Sku
from common.db import is_lock_timeout
from django.db import OperationalError
from orders.models import Order
from payments.models import Payment
from tests.factories import ADDRESS, SkuFactory, UserFactory

sku = SkuFactory(stock=3)
buyer = UserFactory()
client = Client()
client.force_login(buyer)
body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 2}]}
first = client.post("/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
replay = client.post("/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
reused = client.post("/api/v1/checkout/", {**body, "items": [{"sku": sku.pk, "quantity": 1}]},
                     content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1")
short = client.post("/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-2")
stock_after_checkout = Sku.objects.get(pk=sku.pk).stock
number = first.json()["orders"][0]["number"]
cancelled = client.post(f"/api/v1/orders/{number}/cancel/", {}, content_type="application/json")
stock_after_cancel = Sku.objects.get(pk=sku.pk).stock
again = client.post("/api/v1/checkout/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-3")
payment_id = again.json()["payment"]["id"]
paid = client.post(f"/api/v1/payments/{payment_id}/sandbox-pay/", {}, content_type="application/json")
print(json.dumps({
    "vendor": connection.vendor,
    "first": first.status_code, "replay": replay.status_code, "same": replay.json() == first.json(),
    "replayed": replay.headers.get("Idempotent-Replayed"), "reused": reused.status_code,
    "reused_code": reused.json()["error"]["code"], "short": short.status_code,
    "short_code": short.json()["error"]["code"],
    "stock_after_checkout": stock_after_checkout, "cancelled": cancelled.status_code,
    "stock_after_cancel": stock_after_cancel, "paid": paid.status_code,
    "payment": Payment.objects.get(pk=payment_id).status,
    "orders": Order.objects.count(),
    "locked": is_lock_timeout(OperationalError("database is locked")),
}))
"""


@pytest.mark.slow
def test_checkout_replay_cancel_and_pay_on_the_embedded_sqlite(tmp_path):
    result = sqlite_script(tmp_path, SCRIPT)

    assert result["vendor"] == "sqlite"
    assert (result["first"], result["replay"], result["same"], result["replayed"]) == (201, 201, True, "true")
    assert (result["reused"], result["reused_code"]) == (409, "idempotency_key_reused")
    assert (result["short"], result["short_code"]) == (409, "out_of_stock")
    assert result["stock_after_checkout"] == 1
    assert (result["cancelled"], result["stock_after_cancel"]) == (200, 3)
    assert (result["paid"], result["payment"]) == (200, "succeeded")
    assert result["orders"] == 2
    assert result["locked"] is True
