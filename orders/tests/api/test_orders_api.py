"""The order lifecycle through the real URLs, as a mobile app would drive it."""

import pytest
from rest_framework.test import APIClient

from tests.clients import client_for
from tests.factories import ADDRESS, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    farm, workshop = ShopFactory(), ShopFactory()
    return {
        "buyer": client_for(UserFactory()),
        "farm": farm,
        "workshop": workshop,
        "farmer": client_for(farm.owner),
        "carpenter": client_for(workshop.owner),
        "radish": sku_in_shop(farm, price="28.00", stock=10),
        "stool": sku_in_shop(workshop, price="89.00"),
    }


def checkout(world, items) -> dict:
    response = world["buyer"].post("/api/v1/checkout/", {"address": ADDRESS, "items": items}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_whole_journey(world, django_capture_on_commit_callbacks):
    buyer, farmer, carpenter = world["buyer"], world["farmer"], world["carpenter"]
    placed = checkout(world, [{"sku": world["radish"].pk, "quantity": 2}, {"sku": world["stool"].pk, "quantity": 1}])
    numbers = {o["shop"]["slug"]: o["number"] for o in placed["orders"]}
    farm_no, shop_no = numbers[world["farm"].slug], numbers[world["workshop"].slug]

    # shipping an unpaid order: 409
    unpaid = farmer.post(
        f"/api/v1/seller/orders/{farm_no}/ship/", {"carrier": "SF", "tracking_number": "SF1234"}, format="json"
    )
    assert unpaid.status_code == 409 and unpaid.json()["error"]["code"] == "invalid_state"

    paid = buyer.post(f"/api/v1/payments/{placed['payment']['id']}/sandbox-pay/")
    assert paid.status_code == 200 and paid.json()["status"] == "succeeded"
    order = buyer.get(f"/api/v1/orders/{farm_no}/").json()
    assert order["status"] == "paid" and [e["type"] for e in order["events"]] == ["placed", "paid"]

    # confirming a paid-but-unshipped order: 409
    early = buyer.post(f"/api/v1/orders/{farm_no}/confirm-receipt/")
    assert early.status_code == 409 and early.json()["error"]["code"] == "invalid_state"
    # cancelling a paid order: 409
    assert buyer.post(f"/api/v1/orders/{farm_no}/cancel/").status_code == 409

    # a seller cannot ship another shop's order: 404
    assert (
        carpenter.post(
            f"/api/v1/seller/orders/{farm_no}/ship/", {"carrier": "SF", "tracking_number": "SF1234"}, format="json"
        ).status_code
        == 404
    )
    listed = farmer.get("/api/v1/seller/orders/?status=paid").json()
    assert [o["number"] for o in listed["results"]] == [farm_no] and listed["count"] == 1
    shipped = farmer.post(
        f"/api/v1/seller/orders/{farm_no}/ship/",
        {"carrier": "顺丰 SF Express", "tracking_number": "SF1400023567"},
        format="json",
    )
    assert shipped.status_code == 200
    assert shipped.json()["shipment"]["tracking_number"] == "SF1400023567" and shipped.json()["auto_confirm_at"]
    assert (
        carpenter.post(
            f"/api/v1/seller/orders/{shop_no}/ship/", {"carrier": "ZTO", "tracking_number": "ZTO999"}, format="json"
        ).status_code
        == 200
    )

    confirmed = buyer.post(f"/api/v1/orders/{farm_no}/confirm-receipt/")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "completed"

    # after-sale on the other order: a partial refund, accepted by the seller
    asked = buyer.post(
        f"/api/v1/orders/{shop_no}/refund-requests/",
        {"reason": "腿有裂缝", "amount": "20.00", "return_goods": False},
        format="json",
    )
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    assert buyer.get(f"/api/v1/orders/{shop_no}/").json()["auto_confirm_at"] is None
    assert farmer.post(f"/api/v1/seller/refund-requests/{asked.json()['id']}/accept/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        accepted = carpenter.post(
            f"/api/v1/seller/refund-requests/{asked.json()['id']}/accept/", {"note": "抱歉"}, format="json"
        )
    assert accepted.status_code == 200
    after = buyer.get(f"/api/v1/orders/{shop_no}/").json()
    assert after["status"] == "shipped" and after["refund_requests"][0]["status"] == "refunded"
    assert after["auto_confirm_at"] is not None
    mine = buyer.get("/api/v1/orders/").json()
    assert mine["count"] == 2 and {o["number"] for o in mine["results"]} == {farm_no, shop_no}


def test_another_buyers_order_is_404(world):
    placed = checkout(world, [{"sku": world["radish"].pk, "quantity": 1}])
    number = placed["orders"][0]["number"]
    stranger = client_for(UserFactory())

    for method, path in [
        ("get", f"/api/v1/orders/{number}/"),
        ("post", f"/api/v1/orders/{number}/cancel/"),
        ("post", f"/api/v1/orders/{number}/confirm-receipt/"),
        ("post", f"/api/v1/orders/{number}/refund-requests/"),
        ("post", f"/api/v1/payments/{placed['payment']['id']}/sandbox-pay/"),
        ("get", "/api/v1/orders/99999999999999/"),
        ("get", "/api/v1/orders/not-a-number/"),
    ]:
        response = getattr(stranger, method)(path, {"reason": "x"}, format="json")
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"
    assert stranger.get("/api/v1/orders/").json()["count"] == 0
    assert world["buyer"].get(f"/api/v1/orders/{number}/").status_code == 200


def test_buyer_cancels_while_unpaid(world):
    placed = checkout(world, [{"sku": world["radish"].pk, "quantity": 3}])
    number = placed["orders"][0]["number"]

    response = world["buyer"].post(f"/api/v1/orders/{number}/cancel/")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    world["radish"].refresh_from_db()
    assert world["radish"].stock == 10
    assert world["buyer"].post(f"/api/v1/payments/{placed['payment']['id']}/sandbox-pay/").status_code == 409


def test_seller_endpoints_need_a_shop(world):
    assert world["buyer"].get("/api/v1/seller/orders/").status_code == 404
    assert APIClient().get("/api/v1/seller/orders/").status_code == 401


def test_ship_validation(world):
    placed = checkout(world, [{"sku": world["radish"].pk, "quantity": 1}])
    world["buyer"].post(f"/api/v1/payments/{placed['payment']['id']}/sandbox-pay/")
    number = placed["orders"][0]["number"]
    for body in [
        {},
        {"carrier": "SF"},
        {"carrier": "SF", "tracking_number": "a b c"},
        {"carrier": "SF", "tracking_number": "x" * 41},
    ]:
        response = world["farmer"].post(f"/api/v1/seller/orders/{number}/ship/", body, format="json")
        assert response.status_code == 400, body


@pytest.mark.parametrize("url", ["/api/v1/orders/", "/api/v1/seller/orders/"])
def test_an_unknown_status_filter_is_400_and_a_blank_one_lists_everything(world, url):
    # given one unpaid order from the farm
    checkout(world, [{"sku": world["radish"].pk, "quantity": 1}])
    client = world["buyer"] if url == "/api/v1/orders/" else world["farmer"]

    # then an unknown state is named as a bad query parameter, not ignored (issue 25)
    refused = client.get(url, {"status": "AAA"})
    assert refused.status_code == 400 and "status" in refused.json()["error"]["fields"]
    # and a blank one, or a known one, filters as before
    assert client.get(url, {"status": ""}).json()["count"] == 1
    assert client.get(url, {"status": "pending_payment"}).json()["count"] == 1
    assert client.get(url, {"status": "shipped"}).json()["count"] == 0
