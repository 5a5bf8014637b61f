"""A buyer's counter-proposal over the API: posted into the chat as a card, validated, screened, buyer only."""

import pytest

from catalog.models import Sku
from chat.models import Message
from offers.models import Proposal
from tests.clients import client_for
from tests.factories import ConversationFactory, ProductWithSkuFactory, ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal():
    conversation = ConversationFactory()
    product = ProductWithSkuFactory(shop=conversation.shop, title="剁辣椒 Chopped chili")
    return conversation, Sku.objects.get(product=product)


def url(conversation) -> str:
    return f"/api/v1/conversations/{conversation.pk}/proposals/"


def test_the_buyer_proposes_two_jars_for_fifty_and_the_shop_sees_the_card(deal):
    conversation, sku = deal

    answer = client_for(conversation.buyer).post(
        url(conversation),
        {"lines": [{"sku": sku.pk, "quantity": 2}], "total": "50.00", "note": "两罐包邮可以吗"},
        format="json",
    )

    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["total"], body["note"], body["conversation"]) == ("50.00", "两罐包邮可以吗", conversation.pk)
    assert body["lines"][0] | {} == {
        "sku": sku.pk,
        "product": sku.product_id,
        "title": "剁辣椒 Chopped chili",
        "sku_name": sku.name,
        "quantity": 2,
        "price": None,
        "list_price": f"{sku.price:.2f}",
    }
    message = Message.objects.get(conversation=conversation)
    assert message.sender_role == "buyer" and message.proposal_card["id"] == body["id"]
    seen = client_for(conversation.shop.owner).get(f"/api/v1/conversations/{conversation.pk}/messages/").json()
    assert seen["results"][-1]["proposal"]["total"] == "50.00"
    conversation.refresh_from_db()
    assert conversation.shop_unread == 1


def test_a_null_note_is_no_note_as_the_schema_says(deal):
    conversation, sku = deal

    answer = client_for(conversation.buyer).post(
        url(conversation), {"lines": [{"sku": sku.pk, "quantity": 1}], "total": "20.00", "note": None}, format="json"
    )

    assert answer.status_code == 201, answer.json()
    assert answer.json()["note"] == ""
    schema = client_for(conversation.buyer).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.json()["components"]["schemas"]["ProposalCreateInRequest"]["properties"]["note"]["nullable"]


def test_unit_prices_without_a_total_are_a_proposal_too(deal):
    conversation, sku = deal
    answer = client_for(conversation.buyer).post(
        url(conversation), {"lines": [{"sku": sku.pk, "quantity": 3, "price": "9.90"}]}, format="json"
    )
    assert answer.status_code == 201
    assert answer.json()["lines"][0]["price"] == "9.90" and answer.json()["total"] is None


# The shapes of bad input (not a list, not an id, a price written as a number…) are in tests/test_bad_inputs.py.
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"quantity": 0}], "total": "5.00", "_sku": True}, "lines.0.quantity"),
        ({"lines": [{"quantity": 1}], "total": "0.001", "_sku": True}, "total"),
        ({"lines": [{"quantity": 1}], "_sku": True}, "total"),  # neither a total nor every line's price
        ({"lines": [{"quantity": 1, "price": ""}], "total": "1.00", "_sku": True}, "lines.0.price"),  # null, not ""
        ({"lines": [{"quantity": 1}], "total": "", "_sku": True}, "total"),
    ],
)
def test_bad_proposals_are_400_and_nothing_is_written(deal, body, field):
    conversation, sku = deal
    if body.pop("_sku", False):
        body["lines"][0]["sku"] = sku.pk

    answer = client_for(conversation.buyer).post(url(conversation), body, format="json")

    assert answer.status_code == 400, answer.json()
    assert field in answer.json()["error"]["fields"]
    assert not Proposal.objects.exists() and not Message.objects.exists()


def test_another_shops_sku_is_404_and_only_the_buyer_may_propose(deal):
    conversation, sku = deal
    elsewhere = Sku.objects.get(product=ProductWithSkuFactory(shop=ShopFactory()))
    buyer = client_for(conversation.buyer)

    foreign = buyer.post(
        url(conversation), {"lines": [{"sku": elsewhere.pk, "quantity": 1}], "total": "5"}, format="json"
    )
    by_shop = client_for(conversation.shop.owner).post(
        url(conversation), {"lines": [{"sku": sku.pk, "quantity": 1}], "total": "5"}, format="json"
    )
    by_stranger = client_for(UserFactory()).post(
        url(conversation), {"lines": [{"sku": sku.pk, "quantity": 1}], "total": "5"}, format="json"
    )

    assert (foreign.status_code, by_shop.status_code, by_stranger.status_code) == (404, 403, 404)
    assert not Proposal.objects.exists()


def test_contact_details_in_the_note_are_masked(deal):
    conversation, sku = deal
    answer = client_for(conversation.buyer).post(
        url(conversation),
        {"lines": [{"sku": sku.pk, "quantity": 1}], "total": "20.00", "note": "便宜点吧 加我微信 abc_12345"},
        format="json",
    )
    assert answer.status_code == 201
    assert "abc_12345" not in answer.json()["note"]
    assert "abc_12345" not in Message.objects.get().proposal_card["note"]
