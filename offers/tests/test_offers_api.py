"""Offers in chat over the API: a shop's offer, its one pending offer, decline, withdraw, expiry, access."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import Sku
from offers import rules
from offers.models import Offer
from offers.services import offers_expire_overdue
from tests.clients import client_for
from tests.factories import ConversationFactory, ProductWithSkuFactory, UserFactory, staff_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    conversation = ConversationFactory()
    product = ProductWithSkuFactory(shop=conversation.shop)
    sku = Sku.objects.get(product=product)
    return conversation, sku


def offer_body(sku, **extra):
    return {"lines": [{"sku": sku.pk, "quantity": 2, "price": "50.00"}], "shipping_fee": "8.00", **extra}


def test_the_shop_offers_two_jars_for_fifty_each_and_the_buyer_sees_it(deal):
    conversation, sku = deal
    seller = client_for(conversation.shop.owner)

    created = seller.post(
        f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku, note="两罐包邮"), format="json"
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "pending"
    assert body["total"] == "108.00"
    line = body["lines"][0]
    assert (line["price"], line["list_price"], line["quantity"]) == ("50.00", str(sku.price), 2)
    assert body["order"] is None
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(hours=47, minutes=59) < expires - timezone.now() <= timedelta(hours=48)
    seen = client_for(conversation.buyer).get(f"/api/v1/offers/{body['id']}/")
    assert seen.status_code == 200 and seen.json()["id"] == body["id"]


def test_a_newer_offer_supersedes_the_pending_one(deal):
    conversation, sku = deal
    seller = client_for(conversation.shop.owner)
    first = seller.post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json").json()

    second = seller.post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json")

    assert second.status_code == 201
    assert Offer.objects.get(pk=first["id"]).status == "superseded"
    assert Offer.objects.filter(conversation=conversation, status="pending").count() == 1


def test_staff_may_offer_but_the_buyer_may_not(deal):
    conversation, sku = deal
    staff = staff_for(conversation.shop)

    assert (
        client_for(staff)
        .post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json")
        .status_code
        == 201
    )
    refused = client_for(conversation.buyer).post(
        f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"


def test_another_shops_sku_is_not_found_and_nothing_is_written(deal):
    conversation, _sku = deal
    elsewhere = Sku.objects.get(product=ProductWithSkuFactory())

    answer = client_for(conversation.shop.owner).post(
        f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(elsewhere), format="json"
    )

    assert answer.status_code == 404
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": 1, "quantity": 0, "price": "5"}]}, "lines.0.quantity"),
        ({"price": "0.00"}, "lines.0.price"),
        ({"price": "0.001"}, "lines.0.price"),
        ({"price": "1000000.01"}, "lines.0.price"),
        ({"price": "NaN"}, "lines.0.price"),
        ({"shipping_fee": "-1"}, "shipping_fee"),
        ({"shipping_fee": 0}, "shipping_fee"),  # money is a decimal string (API.md), not a number
        ({"shipping_fee": ""}, "shipping_fee"),
        ({"expires_in_hours": 0}, "expires_in_hours"),
        ({"expires_in_hours": 169}, "expires_in_hours"),
        ({"note": "很" * 501}, "note"),
    ],
)
def test_bad_offers_are_refused_field_by_field_and_nothing_is_written(deal, change, field):
    conversation, sku = deal
    body = offer_body(sku)
    if "price" in change:
        body["lines"][0]["price"] = change.pop("price")
    if change.get("lines"):
        change["lines"][0]["sku"] = sku.pk
    body |= change

    answer = client_for(conversation.shop.owner).post(
        f"/api/v1/conversations/{conversation.pk}/offers/", body, format="json"
    )

    assert answer.status_code == 400, answer.json()
    assert answer.json()["error"]["code"] == "validation_error"
    assert field in answer.json()["error"]["fields"]
    assert not Offer.objects.exists()


def test_null_is_left_out_for_the_optional_fields_as_the_schema_says(deal):
    conversation, sku = deal
    body = offer_body(sku, shipping_fee=None, note=None, expires_in_hours=None)

    answer = client_for(conversation.shop.owner).post(
        f"/api/v1/conversations/{conversation.pk}/offers/", body, format="json"
    )

    assert answer.status_code == 201, answer.json()
    assert (answer.json()["shipping_fee"], answer.json()["note"]) == ("0.00", "")
    offer = Offer.objects.get()
    default = timedelta(hours=rules.EXPIRES_IN_HOURS_DEFAULT)
    assert abs(offer.expires_at - offer.created_at - default) < timedelta(minutes=1)
    schema = client_for(conversation.shop.owner).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    fields = schema.json()["components"]["schemas"]["OfferCreateInRequest"]["properties"]
    assert all(fields[name].get("nullable") for name in ("shipping_fee", "note", "expires_in_hours"))


def test_the_buyer_declines_and_a_decided_offer_cannot_be_decided_again(deal):
    conversation, sku = deal
    offer = (
        client_for(conversation.shop.owner)
        .post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json")
        .json()
    )
    buyer = client_for(conversation.buyer)

    assert buyer.post(f"/api/v1/offers/{offer['id']}/decline/").json()["status"] == "declined"
    again = client_for(conversation.shop.owner).post(f"/api/v1/offers/{offer['id']}/withdraw/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_state"


def test_only_the_shop_withdraws_and_only_the_buyer_declines(deal):
    conversation, sku = deal
    seller = client_for(conversation.shop.owner)
    offer = seller.post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json").json()

    assert client_for(conversation.buyer).post(f"/api/v1/offers/{offer['id']}/withdraw/").status_code == 403
    assert seller.post(f"/api/v1/offers/{offer['id']}/decline/").status_code == 403
    assert seller.post(f"/api/v1/offers/{offer['id']}/withdraw/").json()["status"] == "withdrawn"


def test_a_stranger_does_not_see_the_offer(deal):
    conversation, sku = deal
    offer = (
        client_for(conversation.shop.owner)
        .post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json")
        .json()
    )

    stranger = client_for(UserFactory())

    assert stranger.get(f"/api/v1/offers/{offer['id']}/").status_code == 404
    assert stranger.post(f"/api/v1/offers/{offer['id']}/decline/").status_code == 404
    assert APIClient().get(f"/api/v1/offers/{offer['id']}/").status_code in (401, 403)


def test_an_offer_past_its_time_expires_by_the_sweep_and_refuses_at_once_before_it(deal):
    conversation, sku = deal
    seller = client_for(conversation.shop.owner)
    offer = seller.post(
        f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku, expires_in_hours=1), format="json"
    ).json()
    Offer.objects.filter(pk=offer["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))

    # Before the sweep ran: acting on it finds it expired.
    late = client_for(conversation.buyer).post(f"/api/v1/offers/{offer['id']}/decline/")
    assert late.status_code == 409
    assert Offer.objects.get(pk=offer["id"]).status == "expired"

    other = seller.post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json").json()
    Offer.objects.filter(pk=other["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert offers_expire_overdue() == 1
    assert offers_expire_overdue() == 0
    assert Offer.objects.get(pk=other["id"]).status == "expired"


def test_contact_details_in_the_note_are_masked(deal):
    conversation, sku = deal

    offer = (
        client_for(conversation.shop.owner)
        .post(
            f"/api/v1/conversations/{conversation.pk}/offers/",
            offer_body(sku, note="有问题打 138 0013 8000"),
            format="json",
        )
        .json()
    )

    assert offer["note"] == "有问题打 ***"
    assert Decimal(offer["total"]) == Decimal("108.00")


def test_the_offer_is_a_card_in_the_conversation_and_its_state_follows(deal):
    from chat.models import Message

    conversation, sku = deal
    seller = client_for(conversation.shop.owner)
    offer = seller.post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json").json()

    messages = client_for(conversation.buyer).get(f"/api/v1/conversations/{conversation.pk}/messages/").json()
    card = next(m for m in messages["results"] if m["offer"])
    assert card["sender"]["role"] == "seller"
    assert card["offer"]["id"] == offer["id"] and card["offer"]["total"] == "108.00"
    assert card["offer"]["lines"][0]["sku"] == sku.pk
    assert Message.objects.filter(conversation=conversation, offer_card__isnull=False).count() == 1


def test_the_conversation_page_shows_the_offer_card_and_the_masked_note(deal, client):
    conversation, sku = deal
    seller = client_for(conversation.shop.owner)
    seller.post(f"/api/v1/conversations/{conversation.pk}/offers/", offer_body(sku), format="json")
    from chat.services import message_send

    message_send(user=conversation.buyer, conversation=conversation, text="加我微信 zhang_san88")
    client.force_login(conversation.buyer)

    page = client.get(f"/chats/{conversation.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'data-offer-id="' in page and "报价" in page and "108.00" in page and "运费 ¥8.00" in page
    assert "待回应" in page
    assert "联系方式已隐藏" in page and "zhang_san88" not in page
