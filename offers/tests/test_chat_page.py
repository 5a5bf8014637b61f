"""The conversation page's offers part: the seller's form (the shop's SKUs, the conversation's product), the
buyer's accept sheet with the last address, counter-proposal cards, and the 改价 link for an unpaid order."""

import json
import re

import pytest
from django.test import Client

from catalog.models import Sku
from offers.services import offer_create, proposal_create
from orders.services.checkout import checkout_place
from tests.factories import ADDRESS, ConversationFactory, ProductWithSkuFactory, make_product

pytestmark = pytest.mark.django_db


def page_of(user, url: str) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    answer = client.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def offer_config(html: str) -> dict:
    return json.loads(re.search(r'<script id="offer-config" type="application/json">(.*?)</script>', html).group(1))


def test_the_seller_gets_the_offer_form_and_the_link_to_lower_an_unpaid_orders_price():
    conversation = ConversationFactory()
    product = make_product(shop=conversation.shop, skus=(("500 g", "30.00", 5), ("1 kg", "58.00", 0)))
    conversation.product = product
    conversation.save()
    ProductWithSkuFactory()  # another shop's product: not offered
    order = checkout_place(
        buyer=conversation.buyer,
        address=ADDRESS,
        items=[{"sku": Sku.objects.get(product=product, name="500 g").pk, "quantity": 1}],
    ).orders[0]

    html = page_of(conversation.shop.owner, f"/seller/inbox/{conversation.pk}/")

    config = offer_config(html)
    assert config["product"] == product.pk and config["role"] == "seller"
    assert sorted(s["name"] for s in config["skus"]) == ["1 kg", "500 g"]
    assert 'id="offer-sheet"' in html and 'id="accept-sheet"' not in html
    assert "1 kg — ¥58.00 (Sold out)" in html and "500 g — ¥30.00</option>" in html
    assert f"adjust={order.number}" in html and "Lower the price (unpaid ¥30.00)" in html


def test_the_buyer_gets_the_accept_sheet_with_the_last_address_and_the_cards_with_their_state():
    conversation = ConversationFactory()
    sku = Sku.objects.get(product=ProductWithSkuFactory(shop=conversation.shop))
    checkout_place(
        buyer=conversation.buyer, address={**ADDRESS, "name": "李四"}, items=[{"sku": sku.pk, "quantity": 1}]
    )
    offer = offer_create(
        user=conversation.shop.owner, conversation=conversation, lines=[{"sku": sku.pk, "quantity": 2, "price": "20"}]
    )
    proposal_create(
        user=conversation.buyer, conversation=conversation, lines=[{"sku": sku.pk, "quantity": 3}], total="50"
    )

    html = page_of(conversation.buyer, f"/chats/{conversation.pk}/")

    assert re.search(r'name="address-name" value="李四"', html)
    assert 'id="proposal-sheet"' in html and 'id="offer-sheet"' not in html
    assert offer_config(html)["states"][str(offer.pk)]["status"] == "pending"
    assert f'data-offer-id="{offer.pk}" data-status="pending"' in html
    assert "Counter-proposal" in html and "¥50.00" in html
