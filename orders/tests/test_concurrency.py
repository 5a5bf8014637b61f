"""A flash sale on PostgreSQL: never oversell."""

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import User
from orders.models import Order, OrderLine
from tests.factories import ADDRESS, SkuFactory

# PostgreSQL allows 100 connections on this machine, shared with other test runs: the 200 requests go
# through 25 threads, in waves of 25 released together by a barrier.
REQUESTS, THREADS = 200, 25


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_200_concurrent_buy_now_requests_for_10_in_stock_give_exactly_10_orders():
    # given one SKU with 10 in stock and 200 buyers
    sku = SkuFactory(stock=10)
    password = make_password(None)
    buyers = User.objects.bulk_create([User(username=f"flash{i}", password=password) for i in range(REQUESTS)])
    barrier = threading.Barrier(THREADS)

    def buy_now(buyer):
        client = APIClient()
        client.force_authenticate(buyer)
        try:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)  # waves of 25 requests released at once
            response = client.post(
                "/api/v1/checkout/", {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}, format="json"
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    # when
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(buy_now, buyers))

    # then
    sku.refresh_from_db()
    assert sku.stock == 0
    assert Order.objects.count() == 10 and sum(OrderLine.objects.values_list("quantity", flat=True)) == 10
    codes = [code for code, _body in answers]
    assert codes.count(201) == 10 and codes.count(409) == 190
    for code, body in answers:
        if code == 409:
            assert body["error"]["code"] == "out_of_stock"
            assert body["error"]["details"] == {"sku": sku.pk, "available": 0}
