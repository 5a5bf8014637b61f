"""The stock gate under real concurrency: buyers in threads race a cancellation stream on one SKU (real
PostgreSQL transactions and Redis). Buyers keep buying until refused after the last cancellation has
committed; every unit given back must then be sold (a gate left closed on stock strands it) and none
twice."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from catalog.errors import OutOfStock
from catalog.models import Sku
from catalog.services import stock_release, stock_reserve
from catalog.stock_gate import stock_gate
from tests.factories import make_product

BUYERS = 6
INITIAL = 15
RETURNED = 12


@pytest.mark.django_db(transaction=True)
def test_buyers_racing_cancellations_sell_every_unit_once():
    sku_id = make_product(skus=(("500 g", "9.90", INITIAL),)).skus.get().pk
    sold: list[int] = []
    refused_by_gate = 0
    refused_by_postgresql = 0
    cancellations_done = threading.Event()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def buyer() -> None:
        nonlocal refused_by_gate, refused_by_postgresql
        try:
            while True:
                last_round = cancellations_done.is_set()  # read before looking: this attempt sees every return
                asked_postgresql = False
                try:
                    with stock_gate(items={sku_id: 1}), transaction.atomic():
                        asked_postgresql = True
                        stock_reserve(items={sku_id: 1})
                    with lock:
                        sold.append(1)
                except OutOfStock:
                    with lock:
                        if asked_postgresql:
                            refused_by_postgresql += 1
                        else:
                            refused_by_gate += 1
                    if last_round:
                        return
                    time.sleep(0.002)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    def canceller() -> None:
        try:
            for _ in range(RETURNED):
                time.sleep(0.01)
                with transaction.atomic():
                    stock_release(items={sku_id: 1})  # the gate reopens when this commits
        except BaseException as exc:
            errors.append(exc)
        finally:
            cancellations_done.set()
            connection.close()

    threads = [threading.Thread(target=buyer) for _ in range(BUYERS)] + [threading.Thread(target=canceller)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)

    assert Sku.objects.get(pk=sku_id).stock == 0, "units given back were never sold: the gate stayed closed"
    assert len(sold) == INITIAL + RETURNED
    assert refused_by_gate > 0, "the gate never answered: every refusal went to PostgreSQL"
