"""改价 from the seller center's order list: the form lowers an unpaid order's total through the service."""

from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import Sku
from orders.models import Order, OrderEvent
from orders.services.checkout import checkout_place
from tests.factories import ADDRESS, ProductWithSkuFactory, ShopFactory, UserFactory, staff_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def unpaid():
    shop = ShopFactory()
    sku = Sku.objects.get(product=ProductWithSkuFactory(shop=shop, price_min=Decimal("30.00")))
    result = checkout_place(buyer=UserFactory(), address=ADDRESS, items=[{"sku": sku.pk, "quantity": 2}])
    return result.orders[0]


def signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def url(order) -> str:
    return f"/seller/orders/{order.number}/adjust-price/"


def test_the_order_list_offers_the_form_with_the_changes_left(unpaid):
    page = signed_in(unpaid.shop.owner).get(f"/seller/orders/?status=pending_payment&adjust={unpaid.number}")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="adjust-{unpaid.number}" open' in html
    assert f"/seller/orders/{unpaid.number}/adjust-price/" in html
    assert "3 changes left of 3" in html


@pytest.mark.parametrize(("form", "total"), [({"total": "50.00"}, "50.00"), ({"discount": "5"}, "55.00")])
def test_a_new_total_or_a_discount_lowers_the_price(unpaid, form, total):
    answer = signed_in(staff_for(unpaid.shop)).post(url(unpaid), form, follow=True)

    unpaid.refresh_from_db()
    assert (unpaid.total, unpaid.price_changes) == (Decimal(total), 1)
    assert OrderEvent.objects.filter(order=unpaid, type=OrderEvent.Type.PRICE_CHANGED).count() == 1
    assert f"now costs ¥{total}" in answer.content.decode()
    assert "2 changes left of 3" in answer.content.decode()
    assert "price lowered 1 time" in answer.content.decode()


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"total": "60.00"}, "less than 60.00"),  # not lower
        ({"total": "abc"}, "Enter a number"),
        ({"discount": "60.00"}, "0.01"),  # nothing left to pay
        ({}, "either a new total or a discount"),
        ({"total": "50", "discount": "5"}, "either a new total or a discount"),
    ],
)
def test_bad_changes_are_refused_with_the_reason_and_nothing_changes(unpaid, form, says):
    answer = signed_in(unpaid.shop.owner).post(url(unpaid), form, follow=True)

    assert says in answer.content.decode()
    assert f'id="adjust-{unpaid.number}" open' in answer.content.decode()  # the form again, open
    unpaid.refresh_from_db()
    assert (unpaid.total, unpaid.price_changes) == (Decimal("60.00"), 0)


def test_a_paid_order_and_another_shops_order_are_refused(unpaid):
    Order.objects.filter(pk=unpaid.pk).update(status=Order.Status.PAID)
    answer = signed_in(unpaid.shop.owner).post(url(unpaid), {"total": "1.00"}, follow=True)
    assert "Only an order awaiting payment" in answer.content.decode()
    assert signed_in(ShopFactory().owner).post(url(unpaid), {"total": "1.00"}).status_code == 404
    unpaid.refresh_from_db()
    assert unpaid.total == Decimal("60.00")
