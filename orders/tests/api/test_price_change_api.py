"""改价 over the API: the seller lowers an unpaid order; the buyer hears of it; nobody else can."""

from decimal import Decimal

import pytest

from notifications.models import Notification
from orders.models import Order
from orders.services.checkout import checkout_place
from payments.models import Payment
from tests.clients import client_for
from tests.factories import ADDRESS, SkuFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    sku = SkuFactory(price=Decimal("60.00"), stock=10)
    return checkout_place(buyer=UserFactory(), address=ADDRESS, items=[{"sku": sku.pk, "quantity": 2}]).orders[0]


def test_the_seller_lowers_the_price_and_the_buyer_is_told(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for(order.shop.owner).post(
            f"/api/v1/seller/orders/{order.number}/adjust-price/", {"total": "99.00"}, format="json"
        )

    assert answer.status_code == 200, answer.json()
    assert answer.json()["total"] == "99.00"
    assert Payment.objects.get(pk=order.payment_id).amount == Decimal("99.00")
    notice = Notification.objects.get(user=order.buyer, kind="order_price_changed")
    assert notice.key.startswith("order-event:")


@pytest.mark.parametrize("total", ["120.00", "0", "abc", None, "-1"])
def test_a_total_that_is_not_lower_is_a_400_and_nothing_changes(order, total):
    answer = client_for(order.shop.owner).post(
        f"/api/v1/seller/orders/{order.number}/adjust-price/", {"total": total}, format="json"
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["fields"].keys() == {"total"}
    assert Order.objects.get(pk=order.pk).total == Decimal("120.00")


def test_the_buyer_and_other_shops_cannot(order):
    assert (
        client_for(order.buyer)
        .post(f"/api/v1/seller/orders/{order.number}/adjust-price/", {"total": "1.00"}, format="json")
        .status_code
        == 404
    )
    assert (
        client_for(UserFactory())
        .post(f"/api/v1/seller/orders/{order.number}/adjust-price/", {"total": "1.00"}, format="json")
        .status_code
        == 404
    )
    assert Order.objects.get(pk=order.pk).total == Decimal("120.00")
