"""The Idempotency-Key's claim rides on the write's first statement (PostgreSQL, common.idempotency.KeyClaim):
in front of a plain read as a data-modifying WITH query, on its own before anything else, at the block's end
when the block ran none. A key already committed cuts the block short at that statement and replays."""

from collections.abc import Iterator

import pytest
from rest_framework.test import APIClient

from common.idempotency import IdempotencyKeyInFlight, can_carry_claim, idempotent_write
from orders.models import IdempotencyKey, Order
from tests.driver import driver_statements
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop
from tests.held import transaction_held_open

URL = "/api/v1/checkout/"
KEY_TABLE = IdempotencyKey._meta.db_table


@pytest.fixture
def sent() -> Iterator[list[tuple[str, object]]]:
    """The statements as the driver sends them (tests/driver.py); `_texts` reads them."""
    with driver_statements() as recorded:
        yield recorded


def _texts(sent: list[tuple[str, object]]) -> list[str]:
    """The statements' texts, savepoints left out (the test's own transaction)."""
    return [sql for sql, _params in sent if "SAVEPOINT" not in sql]


@pytest.fixture
def buy_now():
    """A signed-in buyer's API client, a buy-now body of two SKUs and the first SKU (stock 10 each). Two: a
    buy-now of one SKU is one statement with its key, outside any transaction (orders/tests/api/
    test_checkout_one_statement.py); two go through the checkout's write transaction, whose claim this tries."""
    shop = ShopFactory()
    sku, other = sku_in_shop(shop, stock=10), sku_in_shop(shop, stock=10)
    client = APIClient()
    client.force_authenticate(UserFactory())
    items = [{"sku": sku.pk, "quantity": 1}, {"sku": other.pk, "quantity": 1}]
    return client, {"address": ADDRESS, "items": items}, sku


def _keyed(user, key, *, fingerprint="h", lock_wait_ms=1000):
    return idempotent_write(
        store=IdempotencyKey, user=user, key=key, fingerprint=fingerprint, lock_wait_ms=lock_wait_ms
    )


@pytest.mark.parametrize(
    ("sql", "params", "many", "carries"),
    [
        ("SELECT 1 WHERE %s = 1", [1], False, True),
        ("  select id from t where id = %s", (1,), False, True),
        ("SELECT id FROM t WHERE id = %s FOR UPDATE", [1], False, False),
        ("SELECT id FROM t WHERE id = %s FOR NO KEY UPDATE OF t", [1], False, False),
        ("SELECT id FROM t WHERE id = %s FOR KEY SHARE", [1], False, False),
        ("SELECT id FROM t WHERE name LIKE '10%'", None, False, False),  # no parameters: its % stay text
        ("UPDATE t SET n = %s", [1], False, False),
        ("SAVEPOINT s1", None, False, False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", [], False, False),
        ("SELECT %s", [[1], [2]], True, False),
    ],
)
def test_only_a_plain_read_with_positional_parameters_carries_the_claim(sql, params, many, carries):
    assert can_carry_claim(sql, params, many) is carries


@pytest.mark.django_db
def test_a_buy_now_sends_its_claim_with_its_sku_read_one_round_trip_less(sent, buy_now):
    client, body, _sku = buy_now
    sent.clear()
    response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="ride-1")
    assert response.status_code == 201
    sqls = _texts(sent)
    # claim + SKUs, the rows, the SKUs' rows locked in order, stock + answer (the test's client sends no token query)
    assert len(sqls) == 4
    claims = [s for s in sqls if f'INSERT INTO "{KEY_TABLE}"' in s]
    assert len(claims) == 1 and claims[0].startswith("WITH idempotency_claim AS (INSERT INTO")
    assert '"catalog_sku"' in claims[0] and "lock_timeout" in claims[0]  # the SKU read carries it
    assert not any(s.lstrip().upper().startswith("SET") for s in sqls)  # the claim set the lock timeout
    assert IdempotencyKey.objects.values_list("status_code", flat=True).get(key="ride-1") == 201


@pytest.mark.django_db
def test_a_retry_is_cut_short_at_its_first_statement_and_replays_writing_nothing(sent, buy_now):
    client, body, sku = buy_now
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="ride-2")
    sent.clear()
    again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="ride-2")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert not any("orders_order" in s for s in _texts(sent))  # never got that far
    assert Order.objects.count() == 1
    other = client.post(
        URL,
        {**body, "items": [{"sku": sku.pk, "quantity": 2}, body["items"][1]]},
        format="json",
        HTTP_IDEMPOTENCY_KEY="ride-2",
    )
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    sku.refresh_from_db()
    assert sku.stock == 9 and Order.objects.count() == 1


@pytest.mark.django_db
def test_a_locking_first_statement_gets_the_claim_on_its_own_before_it(sent):
    buyer = UserFactory()
    sent.clear()
    with _keyed(buyer, "alone") as write:
        list(IdempotencyKey.objects.select_for_update().filter(user=buyer))
        write.answer(201, {"ok": 1})
    first, second = _texts(sent)[:2]
    assert first.startswith(f'INSERT INTO "{KEY_TABLE}"') and second.startswith("SELECT") and "FOR UPDATE" in second
    assert IdempotencyKey.objects.values_list("status_code", "response_json").get(key="alone") == (201, {"ok": 1})


@pytest.mark.django_db
def test_a_block_without_a_statement_claims_at_its_end_and_a_taken_key_replays_after_it():
    buyer = UserFactory()
    with _keyed(buyer, "quiet") as write:
        write.answer(201, {"n": 1})
    assert not write.replayed
    ran = []
    with _keyed(buyer, "quiet") as write:
        if not write.replayed:
            ran.append("body")
            write.answer(201, {"n": 2})
    assert ran == ["body"]  # its answer was thrown away with the transaction...
    assert write.replayed and (write.status_code, write.body) == (201, {"n": 1})  # ...for the first one's
    assert IdempotencyKey.objects.values_list("response_json", flat=True).get(key="quiet") == {"n": 1}


@pytest.mark.django_db
def test_a_taken_key_cuts_the_block_short_at_the_statement_that_carries_the_claim():
    buyer = UserFactory()
    with _keyed(buyer, "short") as write:
        list(IdempotencyKey.objects.filter(user=buyer))
        write.answer(201, {"n": 1})
    reached = []
    with _keyed(buyer, "short") as write:
        list(IdempotencyKey.objects.filter(user=buyer))  # carries the claim: the key is there
        reached.append("after the first statement")
    assert reached == [] and write.replayed and write.body == {"n": 1}
    with pytest.raises(Exception) as reused, _keyed(buyer, "short", fingerprint="another body"):
        list(IdempotencyKey.objects.filter(user=buyer))
    assert reused.value.code == "idempotency_key_reused"


@pytest.mark.django_db(transaction=True)
def test_a_twin_still_working_holds_the_claim_until_the_lock_timeout():
    buyer = UserFactory()

    def twin():  # the same key, its request still working (and about to fail)
        IdempotencyKey.objects.create(user=buyer, key="twin", request_hash="h")

    with (
        transaction_held_open(twin, rollback=True),
        pytest.raises(IdempotencyKeyInFlight),
        _keyed(buyer, "twin", lock_wait_ms=300),
    ):
        list(IdempotencyKey.objects.filter(user=buyer))  # carries the claim, which waits on the twin's key
    assert not IdempotencyKey.objects.filter(key="twin").exists()  # the twin rolled back
