"""common.idempotency.idempotency_key_used (the stock gate's question on every sold-out refusal under an
Idempotency-Key): its one-statement fast path and the ORM's query answer the same on the same rows."""

from __future__ import annotations

import pytest
from django.db import connection
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

    from common.idempotency import answer_store, answer_store_orm

    buyer = UserFactory()
    body = {"orders": [{"number": "2026120512345", "total": {"amount": "9.90"}}], "note": "腌萝卜", "n": 1}
    stored = {}
    for store_answer in (answer_store, answer_store_orm):
        claim = IdempotencyKey.objects.create(user=buyer, key=store_answer.__name__, request_hash="h")
        before = claim.updated_at
        claim.status_code, claim.response_json = 201, body
        with CaptureQueriesContext(connection) as queries:
            store_answer(claim)
        assert len(queries.captured_queries) == 1
        row = IdempotencyKey.objects.get(pk=claim.pk)
        assert row.updated_at > before and row.updated_at == claim.updated_at
        stored[store_answer.__name__] = (row.status_code, row.response_json)
    assert stored["answer_store"] == stored["answer_store_orm"] == (201, body)
    assert Decimal(stored["answer_store"][1]["orders"][0]["total"]["amount"]) == Decimal("9.90")
