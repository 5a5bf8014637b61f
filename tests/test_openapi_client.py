"""A client generated from /api/schema/ (openapi-python-client, as a mobile app or a partner would) walks one
buyer's journey against a live server: register, search, add to the cart, check out, pay, see the order.

Every answer goes through the generated models (`from_dict` of the documented response), and an answer
whose status the schema does not document raises (raise_on_unexpected_status): if the schema lies, this fails.

The generated client speaks JSON: request bodies are generated from the schema's application/json media type
only (the API also reads forms, which openapi-python-client cannot tell apart when they share one model).
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from tests.factories import ShopFactory, make_product

GENERATOR = str(Path(sys.executable).with_name("openapi-python-client"))
PACKAGE = "marketplace_client"
# What the generator says when it leaves a part of the schema out of the client.
GENERATOR_GAVE_UP = ("Unable to parse", "Unable to process", "Cannot parse response", "Could not find reference")


def json_bodies_only(schema: dict) -> dict:
    """The schema with request bodies in JSON only, where an operation reads JSON."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" in content:
                for media_type in list(content):
                    if media_type != "application/json":
                        del content[media_type]
    return schema


def generate_client(base_url: str, folder: Path):
    """Generates the client package from the live schema into `folder` and imports it."""
    schema = httpx.get(f"{base_url}/api/schema/?format=json", timeout=60).raise_for_status().json()
    (folder / "schema.json").write_text(json.dumps(json_bodies_only(schema)))
    (folder / "config.json").write_text(json.dumps({"package_name_override": PACKAGE}))
    result = subprocess.run(
        [
            GENERATOR,
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--config",
            str(folder / "config.json"),
            "--meta",
            "none",
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-5000:]
    gave_up = [line for line in output.splitlines() if line.startswith(GENERATOR_GAVE_UP)]
    assert not gave_up, "the generator left parts of the schema out of the client:\n" + output[-8000:]
    sys.path.insert(0, str(folder))
    return importlib.import_module(PACKAGE)


@pytest.fixture
def generated_client(asgi_server, tmp_path):
    client = generate_client(asgi_server.url, tmp_path)
    yield client
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def _call(module: str, **kwargs):
    """Calls a generated operation (sync_detailed) and returns its answer."""
    return importlib.import_module(f"{PACKAGE}.api.{module}").sync_detailed(**kwargs)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_generated_client_buys_something(asgi_server, generated_client):
    product = make_product(shop=ShopFactory(), title="湖南农家腌萝卜 Hunan Pickled Radish")
    m = importlib.import_module(f"{PACKAGE}.models")
    anonymous = generated_client.Client(base_url=asgi_server.url, raise_on_unexpected_status=True, timeout=30)

    name = f"gen{uuid.uuid4().hex[:8]}"
    registered = _call(
        "auth.auth_register_create",
        client=anonymous,
        body=m.RegisterInputRequest(username=name, email=f"{name}@example.com", password="a-Long-pass-2026"),
    )
    assert registered.status_code == 201, registered.content
    buyer = generated_client.AuthenticatedClient(
        base_url=asgi_server.url,
        token=registered.parsed.token,
        prefix="Token",
        raise_on_unexpected_status=True,
        timeout=30,
    )

    found = _call("products.products_list", client=buyer, q="腌萝卜")
    assert found.status_code == 200, found.content
    assert [item.id for item in found.parsed.results] == [product.pk]
    detail = _call("products.products_retrieve", client=buyer, product_id=product.pk)
    sku = detail.parsed.skus[0]

    added = _call("cart.cart_items_create", client=buyer, body=m.CartItemAddInputRequest(sku=sku.id, quantity=2))
    assert added.status_code == 201, added.content
    cart = _call("cart.cart_retrieve", client=buyer)
    assert [(line.quantity, line.sku.id) for line in cart.parsed.items] == [(2, sku.id)]

    address = m.AddressInputRequest(name="李华", phone="13800000000", province="湖南", city="长沙", line="岳麓区 1 号")
    placed = _call(
        "checkout.checkout_create",
        client=buyer,
        body=m.CheckoutInputRequest(address=address),
        idempotency_key=uuid.uuid4().hex,
    )
    assert placed.status_code == 201, placed.content
    order, payment = placed.parsed.orders[0], placed.parsed.payment
    assert str(order.status) == "pending_payment"

    paid = _call("payments.payments_sandbox_pay_create", client=buyer, payment_id=payment.id)
    assert paid.status_code == 200, paid.content

    seen = _call("orders.orders_detail", client=buyer, number=order.number)
    assert seen.status_code == 200, seen.content
    assert str(seen.parsed.status) == "paid"
    assert seen.parsed.total == order.total
    mine = _call("orders.orders_list", client=buyer)
    assert [o.number for o in mine.parsed.results] == [order.number]
