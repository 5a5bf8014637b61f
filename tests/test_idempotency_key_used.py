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
