"""common.idempotency: idempotency_key_used (the stock gate's question on every sold-out refusal under an
Idempotency-Key): its one-statement fast path and the ORM's query answer the same on the same rows; the stored
answer carried by the next statement."""

from __future__ import annotations

import pytest
from django.db import DataError, connection
from django.test.utils import CaptureQueriesContext

from common.idempotency import idempotency_key_used, idempotency_key_used_orm
from orders.models import IdempotencyKey
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_fast_path_and_the_orm_agree():
    buyer, other = UserFactory(), UserFactory()
    IdempotencyKey.objects.create(user=buyer, key="k-answered", request_hash="h", status_code=201, response_json={})
    IdempotencyKey.objects.create(user=buyer, key="k-in-flight", request_hash="h")
    IdempotencyKey.objects.create(user=other, key="k-other", request_hash="h", status_code=201, response_json={})
    cases = [
        (buyer, "k-answered", True),
        (buyer, "k-in-flight", True),
        (buyer, "k-other", False),  # another user's key is not this buyer's
        (other, "k-answered", False),
        (buyer, "never-used", False),
        (buyer, "K-ANSWERED", False),  # keys are compared exactly
    ]
    for user, key, used in cases:
        assert idempotency_key_used(store=IdempotencyKey, user_id=user.pk, key=key) is used, (user, key)
        assert idempotency_key_used_orm(store=IdempotencyKey, user_id=user.pk, key=key) is used, (user, key)


@pytest.mark.django_db
def test_one_statement_on_the_key_index():
    buyer = UserFactory()
    with CaptureQueriesContext(connection) as queries:
        idempotency_key_used(store=IdempotencyKey, user_id=buyer.pk, key="k")
    assert len(queries.captured_queries) == 1
    assert "orders_idempotencykey" in queries.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_the_answer_is_stored_the_same_by_the_fast_path_and_the_orm():
    from decimal import Decimal

    from common.idempotency import answer_carry, answer_store_orm, write_transaction

    def carried(claim):  # the fast path: one plain UPDATE, run before the COMMIT when nothing carries it
        with write_transaction(lock_wait_ms=1000) as tx:
            answer_carry(claim, tx)

    buyer = UserFactory()
    body = {"orders": [{"number": "2026120512345", "total": {"amount": "9.90"}}], "note": "腌萝卜", "n": 1}
    stored = {}
    for name, store_answer in (("carried", carried), ("orm", answer_store_orm)):
        claim = IdempotencyKey.objects.create(user=buyer, key=name, request_hash="h")
        before = claim.updated_at
        claim.status_code, claim.response_json = 201, body
        with CaptureQueriesContext(connection) as queries:
            store_answer(claim)
        assert sum(q["sql"].lstrip().startswith("UPDATE") for q in queries.captured_queries) == 1
        row = IdempotencyKey.objects.get(pk=claim.pk)
        assert row.updated_at > before and row.updated_at == claim.updated_at
        stored[name] = (row.status_code, row.response_json)
    assert stored["carried"] == stored["orm"] == (201, body)
    assert Decimal(stored["carried"][1]["orders"][0]["total"]["amount"]) == Decimal("9.90")


@pytest.mark.django_db(transaction=True)
def test_a_carried_answer_is_stored_once_by_the_next_statement_or_before_the_commit():
    """The stored answer is carried (`WriteTransaction.carry`) by the next statement built with `with_carried`,
    and only by it; with none, it runs on its own before the COMMIT; an error after it stores nothing."""
    from common.idempotency import idempotent_write, with_carried, write_transaction

    buyer = UserFactory()
    plain = "SELECT count(*) FROM orders_idempotencykey WHERE status_code IS NOT NULL"
    assert with_carried(plain, []) == (plain, [])  # outside a write transaction: as it is

    def keyed(key):
        return idempotent_write(store=IdempotencyKey, user=buyer, key=key, fingerprint="h", lock_wait_ms=1000)

    def counted():  # a last statement of the write (as a checkout's stock UPDATE), built with with_carried
        sql, params = with_carried(plain, [])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            seen.append((sql, params, cursor.fetchone()[0]))

    seen = []
    with keyed("carried") as write:
        with write_transaction(lock_wait_ms=1000) as tx:  # joins the key's transaction
            tx.run_last(counted)
            tx.run_last(counted)
        write.answer(201, {"ok": 1})
    (first_sql, first_params, first_count), (second_sql, second_params, _count) = seen
    assert first_sql.startswith("WITH carried_0 AS (UPDATE") and first_sql.endswith(plain) and first_params
    assert first_count == 0  # a WITH query's UPDATE is not seen by its own statement's snapshot
    assert (second_sql, second_params) == (plain, [])  # carried once
    assert IdempotencyKey.objects.values_list("status_code", "response_json").get(key="carried") == (201, {"ok": 1})

    with CaptureQueriesContext(connection) as queries, keyed("flushed") as write:
        write.answer(201, {"ok": 2})
    assert IdempotencyKey.objects.values_list("status_code", "response_json").get(key="flushed") == (201, {"ok": 2})
    assert sum("UPDATE" in q["sql"] and "orders_idempotencykey" in q["sql"] for q in queries.captured_queries) == 1

    def failing():
        with connection.cursor() as cursor:
            cursor.execute(*with_carried("SELECT 1 / 0", []))

    with pytest.raises(DataError), keyed("failed") as write:
        with write_transaction(lock_wait_ms=1000) as tx:
            tx.run_last(failing)
        write.answer(201, {"ok": 3})
    assert not IdempotencyKey.objects.filter(key="failed").exists()
