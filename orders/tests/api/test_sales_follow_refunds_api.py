"""Issue 17 item 4: buying then refunding does not game "best selling" (the default sort), and a
purchase refunded down to almost nothing is not a review that counts for the product or the shop."""

import pytest
from rest_framework.test import APIClient

from tests.clients import client_for
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def buy(buyer: APIClient, sku, quantity: int) -> str:
    placed = buyer.post(
        "/api/v1/checkout/", {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": quantity}]}, format="json"
    )
    assert placed.status_code == 201, placed.content
    assert buyer.post(f"/api/v1/payments/{placed.json()['payment']['id']}/sandbox-pay/").status_code == 200
    return placed.json()["orders"][0]["number"]


def refund(buyer: APIClient, seller: APIClient, number: str, amount: str | None = None) -> None:
    body = {"reason": "不想要了", "return_goods": False, **({"amount": amount} if amount else {})}
    asked = buyer.post(f"/api/v1/orders/{number}/refund-requests/", body, format="json")
    assert asked.status_code == 201, asked.content
    accepted = seller.post(f"/api/v1/seller/refund-requests/{asked.json()['id']}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.content


def test_a_full_refund_takes_the_sale_back_off_the_counter_and_the_best_selling_order(
    django_capture_on_commit_callbacks,
):
    shop = ShopFactory()
    gamed, honest = sku_in_shop(shop, stock=50), sku_in_shop(shop, stock=50)
    seller, shill, buyer = client_for(shop.owner), client_for(UserFactory()), client_for(UserFactory())
    buy(buyer, honest, 1)
    number = buy(shill, gamed, 20)
    assert shill.get(f"/api/v1/products/{gamed.product_id}/").json()["sales"] == 20

    with django_capture_on_commit_callbacks(execute=True):
        refund(shill, seller, number)

    assert shill.get(f"/api/v1/orders/{number}/").json()["status"] == "refunded"
    assert shill.get(f"/api/v1/products/{gamed.product_id}/").json()["sales"] == 0
    ranked = shill.get(f"/api/v1/products/?shop={shop.slug}&ordering=-sales").json()["results"]
    assert [p["id"] for p in ranked] == [honest.product_id, gamed.product_id]
    assert [p["sales"] for p in ranked] == [1, 0]


def test_a_partial_refund_keeps_the_sale(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    sku = sku_in_shop(shop, price="28.00", stock=50)
    seller, buyer = client_for(shop.owner), client_for(UserFactory())
    number = buy(buyer, sku, 2)

    with django_capture_on_commit_callbacks(execute=True):
        refund(buyer, seller, number, amount="10.00")  # one jar arrived cracked: the goods were kept

    assert buyer.get(f"/api/v1/products/{sku.product_id}/").json()["sales"] == 2


def test_a_purchase_refunded_to_a_few_fen_is_not_a_counted_review(django_capture_on_commit_callbacks):
    shop = ShopFactory()
    sku = sku_in_shop(shop, price="28.00", stock=50)
    seller, shill = client_for(shop.owner), client_for(UserFactory())
    number = buy(shill, sku, 1)
    with django_capture_on_commit_callbacks(execute=True):
        refund(shill, seller, number, amount="27.50")  # 0.50 left paid
    shipped = seller.post(
        f"/api/v1/seller/orders/{number}/ship/", {"carrier": "SF", "tracking_number": "SF1234567"}, format="json"
    )
    assert shipped.status_code == 200
    assert shill.post(f"/api/v1/orders/{number}/confirm-receipt/").status_code == 200
    line = shill.get(f"/api/v1/orders/{number}/").json()["lines"][0]["id"]

    reviewed = shill.post(
        f"/api/v1/orders/{number}/reviews/",
        {"line": line, "rating": 5, "text": "好", "as_described": 5, "communication": 5, "shipping": 5},
        format="json",
    )

    assert reviewed.status_code == 201, reviewed.content
    product = shill.get(f"/api/v1/products/{sku.product_id}/").json()
    assert product["rating"] is None and product["review_count"] == 0
    score = shill.get(f"/api/v1/shops/{shop.slug}/").json()["score"]
    assert score["rating"] is None and score["review_count"] == 0
