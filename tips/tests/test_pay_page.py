"""The sandbox pay page for a tip speaks of the tip (payments.references, filled by tips), not of an order."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from orders.tests.helpers import placed_paid
from tests.factories import ShopFactory, UserFactory, sku_in_shop
from tips.models import Tip
from tips.tests.test_tips import live_show, repeat_buyer, tip

pytestmark = pytest.mark.django_db

ESCROW = 'class="escrow-note"'  # the pay page's escrow note (the footer speaks of escrow on every page)


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_pay_page_of_a_tip_says_tip_and_no_escrow_and_goes_back_to_the_show():
    show, buyer = live_show(ShopFactory(name="花花小店")), repeat_buyer()
    tip_row = Tip.objects.get(pk=tip(buyer, show, "5").json()["id"])
    client = client_of(buyer)
    url = f"/pay/sandbox/{tip_row.payment_id}/"

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Tip ¥5 to 花花小店 in {show.title}" in page
    assert ESCROW not in page and "Order" not in page and "Back to my orders" not in page
    assert f'href="/live/{show.pk}/">Not now' in page

    approved = client.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert approved.redirect_chain[0][0] == f"/shows/{show.pk}/tips/paid/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This payment is complete." in page and ESCROW not in page
    assert f'href="/live/{show.pk}/" data-testid="pay-back">Back to the show' in page

    with translation.override("zh-hans"):
        chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "打赏" in chinese and "花花小店" in chinese and "回到直播间" in chinese and ESCROW not in chinese
    assert f"在「{show.title}」中打赏花花小店 ¥5" in chinese  # no space between the verb and the shop's name


def test_the_pay_page_of_an_order_keeps_its_order_and_escrow_wording():
    buyer = UserFactory()
    order = placed_paid(buyer, sku_in_shop(ShopFactory()))
    page = client_of(buyer).get(f"/pay/sandbox/{order.payment_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<th>Order</th>" in page and order.number in page
    assert "Back to my orders" in page and ESCROW in page and "Tip" not in page
