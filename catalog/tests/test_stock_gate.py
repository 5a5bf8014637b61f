"""The stock gate (catalog/stock_gate.py) on real PostgreSQL and Redis: it answers "sold out" without a query
once PostgreSQL said so, reopens on every stock change's commit and with Redis gone, and — the property —
never refuses a sale that PostgreSQL would make once the gate has re-synced, whatever the interleaving of
buyers, cancellations, stock edits and Redis flushes."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from catalog.errors import OutOfStock
from catalog.models import Sku
from catalog.services import products_bulk_set_stock, sku_update, stock_release, stock_reserve
from catalog.stock_gate import StockGatePass, stock_gate, stock_gate_close, stock_gate_enter
from common.cache import raw_redis
from tests.factories import make_product


def buy(sku_id: int, qty: int = 1) -> str:
    """One buy-now as checkout makes it: the gate, then PostgreSQL's conditional UPDATE in a transaction."""
    try:
        with stock_gate(items={sku_id: qty}), transaction.atomic():
            stock_reserve(items={sku_id: qty})
    except OutOfStock:
        return "refused"
    return "sold"


def gate_refuses(sku_id: int) -> bool:
    try:
        stock_gate_enter(sku_ids=[sku_id])
    except OutOfStock:
        return True
    return False


def gate_forget_everything() -> None:
    """What a Redis restart or FLUSHDB does to the gate (only this run's keys: Redis is shared)."""
    client = raw_redis()
    keys = list(client.scan_iter(match=cache.make_key("stockgate:*"), count=1000))
    if keys:
        client.delete(*keys)


def stock(sku_id: int) -> int:
    return Sku.objects.get(pk=sku_id).stock


@pytest.mark.django_db(transaction=True)
def test_sold_out_is_answered_by_the_gate_without_a_query(django_assert_num_queries):
    sku = make_product(title="秒杀腌萝卜", skus=(("500 g", "9.90", 2),)).skus.get()
    assert [buy(sku.pk), buy(sku.pk)] == ["sold", "sold"]
    assert buy(sku.pk) == "refused"  # PostgreSQL's answer: the gate closes

    with django_assert_num_queries(0), pytest.raises(OutOfStock) as refused:
        stock_gate_enter(sku_ids=[sku.pk])
    assert refused.value.details == {"sku": sku.pk, "available": 0}
    assert "秒杀腌萝卜 · 500 g" in str(refused.value.message)
    assert stock(sku.pk) == 0


@pytest.mark.django_db(transaction=True)
def test_a_cancelled_order_reopens_the_gate_when_it_commits():
    sku = make_product(skus=(("500 g", "9.90", 1),)).skus.get()
    assert [buy(sku.pk), buy(sku.pk)] == ["sold", "refused"]
    assert gate_refuses(sku.pk)

    with transaction.atomic():
        stock_release(items={sku.pk: 1})
        assert gate_refuses(sku.pk), "reopened before the stock came back"
    assert not gate_refuses(sku.pk)
    assert buy(sku.pk) == "sold"


@pytest.mark.django_db(transaction=True)
def test_a_release_that_rolls_back_keeps_the_gate_closed():
    sku = make_product(skus=(("500 g", "9.90", 1),)).skus.get()
    assert [buy(sku.pk), buy(sku.pk)] == ["sold", "refused"]
    with contextlib.suppress(RuntimeError), transaction.atomic():
        stock_release(items={sku.pk: 1})
        raise RuntimeError("the cancellation failed later on")
    assert gate_refuses(sku.pk)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("edit", ["sku_update", "bulk_set_stock"])
def test_a_stock_edit_reopens_the_gate(edit):
    product = make_product(skus=(("500 g", "9.90", 1),))
    sku = product.skus.get()
    assert [buy(sku.pk), buy(sku.pk)] == ["sold", "refused"]
    assert gate_refuses(sku.pk)

    if edit == "sku_update":
        sku_update(sku=sku, stock=5)
    else:
        products_bulk_set_stock(shop_id=product.shop_id, product_ids=[product.pk], stock=5)
    assert not gate_refuses(sku.pk)
    assert buy(sku.pk, 5) == "sold"


@pytest.mark.django_db(transaction=True)
def test_a_short_sku_that_is_not_sold_out_leaves_the_gate_open():
    sku = make_product(skus=(("500 g", "9.90", 1),)).skus.get()
    assert buy(sku.pk, 2) == "refused"  # only 1 left: a buyer of 1 must still get it
    assert not gate_refuses(sku.pk)
    assert buy(sku.pk, 1) == "sold"


@pytest.mark.django_db(transaction=True)
def test_a_removed_sku_does_not_close_the_gate():
    sku = make_product(skus=(("a", "9.90", 3), ("b", "9.90", 3))).skus.order_by("id").first()
    Sku.objects.filter(pk=sku.pk).update(is_active=False)
    assert buy(sku.pk) == "refused"
    Sku.objects.filter(pk=sku.pk).update(is_active=True)  # stock was never 0: nothing to reopen
    assert buy(sku.pk) == "sold"


@pytest.mark.django_db(transaction=True)
def test_a_retry_answered_before_goes_through_a_closed_gate():
    sku = make_product(skus=(("500 g", "9.90", 1),)).skus.get()
    assert [buy(sku.pk), buy(sku.pk)] == ["sold", "refused"]
    with pytest.raises(OutOfStock), stock_gate(items={sku.pk: 1}, answered_before=lambda: False):
        pass
    with stock_gate(items={sku.pk: 1}, answered_before=lambda: True) as gate_pass:
        assert gate_pass == StockGatePass()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def private_redis(port: int):
    """A Redis server of this test's own (the shared one must not be restarted), stopped by its pid."""
    proc = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            time.sleep(0.05)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_a_redis_restart_reopens_the_gate_and_redis_down_lets_buyers_through():
    sku = make_product(skus=(("500 g", "9.90", 1),)).skus.get()
    port = _free_port()
    caches = {"default": dict(settings.CACHES["default"], LOCATION=f"redis://127.0.0.1:{port}/0")}
    with override_settings(CACHES=caches):
        with private_redis(port):
            assert [buy(sku.pk), buy(sku.pk)] == ["sold", "refused"]
            assert gate_refuses(sku.pk)
        # Redis is down: PostgreSQL answers alone, and a cancellation still commits.
        assert not gate_refuses(sku.pk)
        assert buy(sku.pk) == "refused"
        with transaction.atomic():
            stock_release(items={sku.pk: 1})
        with private_redis(port):  # restarted, empty
            assert not gate_refuses(sku.pk)
            assert buy(sku.pk) == "sold"
            assert buy(sku.pk) == "refused"
            assert gate_refuses(sku.pk)


# --- the property -------------------------------------------------------------------------------


class GateMachine(RuleBasedStateMachine):
    """Buyers are split into their three steps — look at the gate, ask PostgreSQL, close the gate — so that
    cancellations, stock edits and Redis flushes can fall between them, as they do between requests.
    After every step (every commit's reopen has run: the gate has re-synced), a buyer arriving now is
    refused by the gate only if PostgreSQL has no stock left."""

    skus: list[int] = []  # made once by the test; each run starts from the same stock and an empty gate

    def __init__(self):
        super().__init__()
        for sku_id, count in zip(self.skus, (2, 1), strict=True):
            Sku.objects.filter(pk=sku_id).update(stock=count)
        gate_forget_everything()
        self.looking: list[tuple[int, int, StockGatePass]] = []  # passed the gate, not yet at PostgreSQL
        self.answered: list[tuple[int, StockGatePass]] = []  # PostgreSQL said sold out, gate not yet closed

    @rule(i=st.integers(0, 1), qty=st.integers(1, 2))
    def buyer_looks_at_the_gate(self, i, qty):
        sku_id = self.skus[i]
        try:
            gate_pass = stock_gate_enter(sku_ids=[sku_id])
        except OutOfStock:
            assert stock(sku_id) == 0, "the gate refused a SKU PostgreSQL has stock of"
            return
        self.looking.append((sku_id, qty, gate_pass))

    @precondition(lambda self: self.looking)
    @rule(data=st.data())
    def buyer_asks_postgresql(self, data):
        sku_id, qty, gate_pass = self.looking.pop(data.draw(st.integers(0, len(self.looking) - 1)))
        try:
            with transaction.atomic():
                stock_reserve(items={sku_id: qty})
        except OutOfStock as exc:
            if exc.sold_out:
                self.answered.append((sku_id, gate_pass))

    @precondition(lambda self: self.answered)
    @rule(data=st.data())
    def buyer_closes_the_gate(self, data):
        sku_id, gate_pass = self.answered.pop(data.draw(st.integers(0, len(self.answered) - 1)))
        stock_gate_close(gate_pass=gate_pass, sku_id=sku_id)

    @rule(i=st.integers(0, 1), qty=st.integers(1, 2))
    def order_cancelled(self, i, qty):
        with transaction.atomic():
            stock_release(items={self.skus[i]: qty})

    @rule(i=st.integers(0, 1), count=st.integers(0, 2))
    def seller_edits_stock(self, i, count):
        sku_update(sku=Sku.objects.get(pk=self.skus[i]), stock=count)

    @rule()
    def redis_flushed(self):
        gate_forget_everything()

    @invariant()
    def refused_only_when_postgresql_would_refuse(self):
        for sku_id in self.skus:
            if gate_refuses(sku_id):
                assert stock(sku_id) == 0, f"the gate refuses SKU {sku_id} with {stock(sku_id)} in stock"


@pytest.mark.django_db(transaction=True)
def test_the_gate_never_refuses_what_postgresql_would_sell():
    product = make_product(skus=(("a", "9.90", 2), ("b", "9.90", 1)))
    GateMachine.skus = list(product.skus.order_by("id").values_list("id", flat=True))
    run_state_machine_as_test(
        GateMachine,
        settings=hypothesis_settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
