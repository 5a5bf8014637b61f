"""One time zone in the operator console too (issue 18 #3): its times are the site's, and it says which."""

import datetime as dt

import pytest
from django.test import Client

from orders.models import Order
from orders.tests.helpers import placed_paid
from tests.factories import ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def test_the_console_names_its_zone_and_shows_times_in_it():
    order = placed_paid(UserFactory(), sku_in_shop(ShopFactory()))
    Order.objects.filter(pk=order.pk).update(created_at=dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC))
    operator = Client()
    operator.force_login(UserFactory(is_staff=True, is_superuser=True))

    index = operator.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Times in Beijing time (UTC+08:00)" in index
    page = operator.get(f"/admin/orders/order/{order.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "March 2, 2026, 7:30 a.m." in page  # 23:30 UTC, shown in Beijing time
    assert "11:30 p.m." not in page and "+00:00" not in page
