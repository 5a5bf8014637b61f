"""A buy-now of one SKU in one statement on PostgreSQL (orders.services.checkout_one_statement): it writes and
answers what `checkout_place` does, in three round trips with no transaction of its own, and a refusal met at
its one statement writes nothing. The refusals both paths share (a row lock held past the wait, a twin holding
the key, a lost connection, a drawn number taken, the same key sent at once) are tried through the API by
test_checkout_locks.py, test_order_number_draws.py and test_checkout_api.py, which now reach this path."""

import threading
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from catalog.models import Product, Sku
from orders.models import CartItem, IdempotencyKey, Order, OrderEvent
from orders.serializers import checkout_answer
from orders.services.cart import cart_item_add
from orders.services.checkout import checkout_place
from orders.services.checkout_one_statement import buy_now_in_one_statement, buy_now_place
from orders.signals import order_events_recorded
from orders.tests.services.test_checkout_fast_sql import _rows
from payments.models import Payment
from payments.services import payment_pay_url
from tests.factories import ADDRESS, ShopFactory, SkuFactory, UserFactory, sku_in_shop

URL = "/api/v1/checkout/"
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def _same_but_ids(answer: dict) -> dict:
    """An answer with what differs between two checkouts (ids, numbers, the pay link) taken out."""
    (order,) = answer["orders"]
    lines = [{k: v for k, v in line.items() if k != "id"} for line in order["lines"]]
    payment = {k: v for k, v in answer["payment"].items() if k not in ("id", "pay_url")}
    return {"order": {**{k: v for k, v in order.items() if k != "number"}, "lines": lines}, "payment": payment}


@pytest.mark.django_db
def test_a_buy_now_writes_and_answers_what_checkout_place_does():
    # given a buyer with the SKU in the cart (bought: it leaves the cart) and another line that stays
    buyer, shop = UserFactory(), ShopFactory()
    radish, kept = sku_in_shop(shop, price="28.00", stock=50), sku_in_shop(shop, price="1.00", stock=50)
    items = [{"sku": radish.pk, "quantity": 2}]

    def in_cart():
        CartItem.objects.filter(cart__user=buyer).delete()
        cart_item_add(user=buyer, sku_id=radish.pk, quantity=1)
        cart_item_add(user=buyer, sku_id=kept.pk, quantity=1)

    # when the same buy-now is placed both ways
    in_cart()
    reference = checkout_place(buyer=buyer, address=ADDRESS, items=items, now=NOW)
    reference_answer = checkout_answer(reference)
    in_cart()
    written = buy_now_place(
        buyer=buyer,
        address=ADDRESS,
        wanted=buy_now_in_one_statement({"address": ADDRESS, "items": items}),
        source=None,
        store=IdempotencyKey,
        key="k-same",
        fingerprint="f",
        lock_wait_ms=1000,
        answer=checkout_answer,
        now=NOW,
    )

    # then the rows are the same but for their ids and numbers, and so is the answer, stored with the key
    placed = SimpleNamespace(payment=SimpleNamespace(pk=written.body["payment"]["id"]))
    assert _rows(placed) == _rows(reference)
    assert written.status_code == 201 and not written.replayed
    assert _same_but_ids(written.body) == _same_but_ids(reference_answer)
    order = Order.objects.get(number=written.body["orders"][0]["number"])
    assert written.body["orders"][0]["lines"][0]["id"] == order.lines.get().pk
    assert written.body["payment"]["pay_url"] == payment_pay_url(payment=order.payment)
    stored = IdempotencyKey.objects.get(user=buyer, key="k-same")
    assert stored.status_code == 201 and stored.response_json == written.body and stored.request_hash == "f"
    assert list(CartItem.objects.filter(cart__user=buyer).values_list("sku_id", flat=True)) == [kept.pk]
    radish.refresh_from_db()
    assert radish.stock == 46


@pytest.mark.parametrize(
    "body",
    [
        {"address": ADDRESS},  # the whole cart
        {"address": ADDRESS, "items": [{"sku": 1, "quantity": 1}, {"sku": 2, "quantity": 1}]},  # two SKUs
        {"address": ADDRESS, "items": [{"sku": 1, "quantity": 0}]},  # refused by the checkout, in its order
        {"address": ADDRESS, "items": None},
        ["not", "an", "object"],
    ],
    ids=["cart", "two-skus", "bad-quantity", "items-null", "not-an-object"],
)
def test_anything_but_a_well_formed_buy_now_of_one_sku_goes_through_the_checkouts_transaction(body):
    assert buy_now_in_one_statement(body) is None


def _statements_while(send) -> tuple[object, list[tuple[str, bool, bool]]]:
    """What `send()` answered, and each statement it ran: (its text on one line, in a transaction?, autocommit?)."""
    seen = []

    def record(execute, sql, params, many, context):
        seen.append((" ".join(sql.split()), connection.in_atomic_block, connection.get_autocommit()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        answer = send()
    return answer, seen


@pytest.mark.django_db(transaction=True)
def test_a_keyed_buy_now_is_three_statements_outside_any_transaction_and_a_cart_checkout_is_not():
    # given a buyer signed in by token, as the bench's and the apps' clients are
    buyer, sku = UserFactory(), SkuFactory(stock=10)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=buyer).key}")
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}

    # when it buys now under a key
    answer, statements = _statements_while(lambda: client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k3"))

    # then: the token, the SKU read (which draws the ids), and one statement that writes everything, none
    # of them in a transaction (what follows is the order's announcement, run at once: the tests' tasks run
    # in-process, so the notifications' own statements come after it)
    assert answer.status_code == 201, answer.content
    checkout = statements[:3]
    assert checkout[0][0].startswith('SELECT t."key"') and "authtoken" in checkout[0][0]
    assert "nextval(pg_get_serial_sequence(" in checkout[1][0]
    assert checkout[2][0].startswith("WITH taken AS ( UPDATE catalog_sku")
    assert all(not in_transaction and autocommit for _sql, in_transaction, autocommit in checkout)

    # and a cart checkout still opens the checkout's transaction
    cart_item_add(user=buyer, sku_id=sku.pk, quantity=1)
    answer, statements = _statements_while(lambda: client.post(URL, {"address": ADDRESS}, format="json"))
    assert answer.status_code == 201, answer.content
    assert any(in_transaction for _sql, in_transaction, _autocommit in statements)


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


def _changed_while_the_buy_now_waits(sku: Sku, change, *, key: str) -> object:
    """Another transaction holds the SKU's row; the buy-now reads the SKU (a plain read: not held up) and
    waits at its UPDATE; then the other transaction makes `change` and commits. The buy-now's answer."""
    locked, release, answers = threading.Event(), threading.Event(), []

    def holder():
        try:
            with transaction.atomic():
                Sku.objects.select_for_update().get(pk=sku.pk)
                locked.set()
                release.wait(10)
                change()
        finally:
            connection.close()

    def buyer():
        try:
            client = APIClient()
            client.force_authenticate(sku.buyer)
            body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}
            answers.append(client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key))
        finally:
            connection.close()

    holding = threading.Thread(target=holder)
    holding.start()
    assert locked.wait(10)
    buying = threading.Thread(target=buyer)
    buying.start()
    for _ in range(200):  # until the buy-now waits on the row (its read went past: a plain read waits for none)
        if _waiting_on_a_lock():
            break
        threading.Event().wait(0.02)
    else:
        raise AssertionError("the buy-now never waited on the SKU's row")
    release.set()
    holding.join(10)
    buying.join(10)
    return answers[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        lambda sku: Sku.objects.filter(pk=sku.pk).update(stock=0),
        lambda sku: Sku.objects.filter(pk=sku.pk).update(is_active=False),
    ],
    ids=["sold-by-another", "taken-off-sale"],
)
def test_a_sku_that_changes_between_the_read_and_the_write_is_409_and_nothing_is_written(change):
    # given the last unit of a SKU, which another transaction sells (or takes off sale) while the buy-now waits
    sku = SkuFactory(stock=1)
    sku.buyer = UserFactory()

    # when the buy-now's UPDATE gets the row
    answer = _changed_while_the_buy_now_waits(sku, lambda: change(sku), key="k-race")

    # then it is refused as the checkout refuses it, and nothing of it is written: no order, payment or key
    assert answer.status_code == 409, answer.content
    assert answer.json()["error"]["code"] == "out_of_stock"
    assert answer.json()["error"]["details"] == {"sku": sku.pk, "available": 0}
    assert not Order.objects.exists() and not Payment.objects.exists() and not IdempotencyKey.objects.exists()
    assert not OrderEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_last_unit_shows_the_product_sold_out_and_announces_the_order_and_a_retry_replays_it():
    # given the last unit of a SKU, and a receiver of the orders' events
    sku, buyer = SkuFactory(stock=1), UserFactory()
    client = APIClient()
    client.force_authenticate(buyer)
    announced = []

    def receive(sender, event_ids, types, **kwargs):
        announced.append((event_ids, types))

    order_events_recorded.connect(receive)
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}
    try:
        # when the buyer buys it, then sends the same request again (a lost answer's retry)
        first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-last")
        again = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-last")
        stranger = APIClient()
        stranger.force_authenticate(UserFactory())
        late = stranger.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-late")
    finally:
        order_events_recorded.disconnect(receive)

    # then the product reads sold out, the order's "placed" event was announced once it was written,
    # the retry is the first answer replayed (though the SKU is gone now), and a late buyer is refused
    assert first.status_code == 201, first.content
    assert not Product.objects.get(pk=sku.product_id).in_stock
    event = OrderEvent.objects.get()
    assert announced == [([event.pk], ["placed"])]
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert late.status_code == 409 and late.json()["error"]["code"] == "out_of_stock"
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_a_retry_with_another_body_after_the_sku_went_off_sale_is_still_409_reused(auth_client):
    sku = SkuFactory(stock=5)
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}
    assert auth_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-off").status_code == 201
    Sku.objects.filter(pk=sku.pk).update(is_active=False)

    other = {**body, "items": [{"sku": sku.pk, "quantity": 2}]}
    answer = auth_client.post(URL, other, format="json", HTTP_IDEMPOTENCY_KEY="k-off")

    assert answer.status_code == 409 and answer.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1


def _refusal_case(case: str, user) -> tuple[dict, Sku]:
    """A one-SKU buy-now the read refuses (`case`), and the SKU it names (stock 1)."""
    sku = sku_in_shop(ShopFactory(owner=user), stock=1) if case == "own-shop" else SkuFactory(stock=1)
    item = {"sku": sku.pk, "quantity": 1}
    if case == "bad-phone":
        return {"address": {**ADDRESS, "phone": "call me"}, "items": [item]}, sku
    if case == "no-such-sku":
        return {"address": ADDRESS, "items": [{"sku": sku.pk + 10_000, "quantity": 1}]}, sku
    if case == "off-sale":
        Sku.objects.filter(pk=sku.pk).update(is_active=False)
    if case == "more-than-left":
        item["quantity"] = 2
    return {"address": ADDRESS, "items": [item]}, sku


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case, status, code",
    [
        ("bad-phone", 400, "validation_error"),
        ("no-such-sku", 400, "validation_error"),
        ("own-shop", 400, "validation_error"),
        ("off-sale", 409, "out_of_stock"),
        ("more-than-left", 409, "out_of_stock"),
    ],
)
def test_a_buy_now_refused_at_its_read_writes_nothing_and_leaves_the_key_unspent(auth_client, user, case, status, code):
    # given a buy-now of one SKU the checkout refuses before writing, sent under a key
    body, sku = _refusal_case(case, user)

    answer = auth_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-refused")

    # then it is refused in the documented shape and nothing is written
    assert answer.status_code == status, answer.content
    assert answer.json()["error"]["code"] == code and answer.json()["error"]["message"]
    assert not Order.objects.exists() and not Payment.objects.exists() and not IdempotencyKey.objects.exists()
    sku.refresh_from_db()
    assert sku.stock == 1

    # and the same key is still the buyer's to use once the request is put right
    if case not in ("own-shop", "off-sale"):
        fixed = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}
        again = auth_client.post(URL, fixed, format="json", HTTP_IDEMPOTENCY_KEY="k-refused")
        assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
