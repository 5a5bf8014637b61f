import threading
from decimal import Decimal

import pytest
from django.db import connection
from rest_framework.test import APIClient

from orders.models import IdempotencyKey, Order
from orders.services.cart import cart_item_add
from payments.models import Payment
from tests.factories import ADDRESS, ShopFactory, SkuFactory, UserFactory, sku_in_shop

URL = "/api/v1/checkout/"


@pytest.mark.django_db
def test_checkout_the_whole_cart(auth_client, user):
    farm, workshop = ShopFactory(), ShopFactory()
    cart_item_add(user=user, sku_id=sku_in_shop(farm, price="28.00").pk, quantity=2)
    cart_item_add(user=user, sku_id=sku_in_shop(workshop, price="89.00").pk, quantity=1)

    response = auth_client.post(URL, {"address": ADDRESS, "total": "0.01"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert {o["shop"]["slug"]: o["total"] for o in body["orders"]} == {farm.slug: "56.00", workshop.slug: "89.00"}
    assert all(o["status"] == "pending_payment" and o["lines"][0]["id"] for o in body["orders"])
    assert body["payment"]["amount"] == "145.00" and body["payment"]["currency"] == "CNY"
    assert body["payment"]["status"] == "pending" and body["payment"]["pay_url"].startswith("/pay/sandbox/")
    assert auth_client.get("/api/v1/cart/").json()["items"] == []


@pytest.mark.django_db
def test_client_prices_are_ignored(auth_client):
    sku = SkuFactory(price=Decimal("28.00"))
    response = auth_client.post(
        URL,
        {
            "address": ADDRESS,
            "items": [{"sku": sku.pk, "quantity": 2, "price": "0.01", "unit_price": "0.01", "subtotal": "0.02"}],
            "total": "0.02",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["orders"][0]["total"] == "56.00"
    assert response.json()["orders"][0]["lines"][0]["unit_price"] == "28.00"


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [-1, 0, 1.5, "1e3", 2**63, 1000, True, None])
def test_bad_quantities_are_400_and_write_nothing(auth_client, quantity):
    sku = SkuFactory(stock=5000)
    response = auth_client.post(
        URL, {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": quantity}]}, format="json"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    sku.refresh_from_db()
    assert sku.stock == 5000 and not Order.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {},
        {"address": "x"},
        {"address": {**ADDRESS, "phone": "call me"}},
        {"address": ADDRESS, "items": []},
        {"address": ADDRESS, "items": "all"},
        {"address": ADDRESS, "items": [{"sku": 10**12, "quantity": 1}]},
    ],
)
def test_bad_bodies_are_400(auth_client, body):
    response = auth_client.post(URL, body, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.django_db
def test_a_bad_field_is_named_by_its_path_in_the_buyers_language(auth_client):
    # The live room shows each field's messages as text (static/js/live-room.js errorText): a nested object
    # there read "[object Object]". Keys as the offers' and deals' APIs give them.
    sku = SkuFactory(stock=5)
    body = {"address": {**ADDRESS, "phone": "call me"}, "items": [{"sku": sku.pk, "quantity": 0}]}
    response = auth_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"address.phone"}  # the address first, as the page's checkout
    assert all(isinstance(m, str) and not m.isascii() for m in fields["address.phone"]), fields
    body["address"] = ADDRESS
    fields = auth_client.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["error"]["fields"]
    assert set(fields) == {"items[0].quantity"} and not fields["items[0].quantity"][0].isascii()


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{"items": None}, [{"sku": 1, "quantity": 1}], "buy"])
def test_items_null_or_a_body_that_is_not_an_object_never_checks_out_the_cart(auth_client, user, body):
    sku = SkuFactory(stock=5)
    cart_item_add(user=user, sku_id=sku.pk, quantity=1)
    if isinstance(body, dict):
        body = {**body, "address": ADDRESS}
    response = auth_client.post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["error"]["code"] == "validation_error"
    assert not Order.objects.exists() and auth_client.get("/api/v1/cart/").json()["items"]


@pytest.mark.django_db
def test_empty_cart_is_400(auth_client):
    assert auth_client.post(URL, {"address": ADDRESS}, format="json").status_code == 400


@pytest.mark.django_db
def test_out_of_stock_is_409_naming_the_sku(auth_client):
    sku = SkuFactory(stock=1)
    response = auth_client.post(URL, {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 2}]}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "out_of_stock"
    assert response.json()["error"]["details"] == {"sku": sku.pk, "available": 1}


@pytest.mark.django_db
def test_idempotency_key_replays_and_refuses_another_body(auth_client):
    sku = SkuFactory(stock=10)
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}

    first = auth_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = auth_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    other = auth_client.post(
        URL, {**body, "items": [{"sku": sku.pk, "quantity": 2}]}, format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_key_reused"
    assert Order.objects.count() == 1
    sku.refresh_from_db()
    assert sku.stock == 9
    # keys are per user: another buyer may use the same key
    stranger = APIClient()
    stranger.force_authenticate(UserFactory())
    assert stranger.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1").status_code == 201


@pytest.mark.django_db(transaction=True)
def test_the_same_idempotency_key_sent_20_times_at_once_gives_one_order():
    buyer, sku = UserFactory(), SkuFactory(stock=100)
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}
    barrier, answers = threading.Barrier(20), []

    def send():
        client = APIClient()
        client.force_authenticate(buyer)
        try:
            barrier.wait()
            response = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="flash-sale-1")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert Order.objects.count() == 1 and Payment.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    sku.refresh_from_db()
    assert sku.stock == 99
    number = Order.objects.get().number
    assert len(answers) == 20
    for status_code, answer in answers:  # each waited for the first and replayed it (or was told to retry)
        assert (status_code == 201 and answer["orders"][0]["number"] == number) or (
            status_code == 409 and answer["error"]["code"] == "idempotency_key_in_flight"
        )


@pytest.mark.django_db
def test_an_idempotency_key_over_255_characters_is_400_and_writes_nothing(auth_client):
    sku = SkuFactory(stock=5)
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}

    refused = auth_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 256)

    assert refused.status_code == 400 and "Idempotency-Key" in refused.json()["error"]["fields"]
    assert not Order.objects.exists() and not IdempotencyKey.objects.exists()
    assert auth_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 255).status_code == 201


def test_the_checkout_tells_the_schema_it_accepts_an_idempotency_key():
    from orders.apis import CheckoutApi

    assert CheckoutApi.post.accepts_idempotency_key is True
