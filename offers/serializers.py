"""The offers API's shapes: what the services accept (the limits from offers.rules) and what they answer."""

from __future__ import annotations

from rest_framework import serializers

from catalog.serializers import PriceField
from chat.serializers import ProposalCardOut
from offers import rules
from offers.models import Offer
from orders.models import MAX_QUANTITY
from orders.serializers import AddressInputSerializer

# What the services take (common.text.clean_text): a null note is no note, as a blank one.
_NO_NOTE = "Contact details are masked. Left out, blank or null: no note."


class OfferLineIn(serializers.Serializer):
    sku = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    price = PriceField()


class OfferCreateIn(serializers.Serializer):
    lines = serializers.ListField(child=OfferLineIn(), min_length=1, max_length=rules.LINES_MAX)
    shipping_fee = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        max_value=rules.SHIPPING_FEE_MAX,
        required=False,
        allow_null=True,
        help_text="Left out or null: free shipping.",
    )
    note = serializers.CharField(
        max_length=rules.NOTE_MAX_LENGTH, allow_blank=True, allow_null=True, required=False, help_text=_NO_NOTE
    )
    expires_in_hours = serializers.IntegerField(
        min_value=rules.EXPIRES_IN_HOURS_MIN,
        max_value=rules.EXPIRES_IN_HOURS_MAX,
        required=False,
        allow_null=True,
        help_text="Hours the offer stays open; left out or null: the default.",
    )


class OfferAcceptIn(serializers.Serializer):
    address = AddressInputSerializer()


class OfferLineOut(serializers.Serializer):
    sku = serializers.IntegerField(source="sku_id")
    product = serializers.IntegerField(source="sku.product_id")
    title = serializers.CharField(source="sku.product.title")
    sku_name = serializers.CharField(source="sku.name")
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    list_price = serializers.DecimalField(max_digits=10, decimal_places=2)
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)


class OfferOrderRef(serializers.Serializer):
    number = serializers.CharField()
    status = serializers.CharField()


class OfferOut(serializers.Serializer):
    id = serializers.IntegerField()
    conversation = serializers.IntegerField(source="conversation_id")
    shop = serializers.IntegerField(source="shop_id")
    status = serializers.ChoiceField(choices=Offer.Status.choices)
    lines = OfferLineOut(many=True, source="lines.all")
    shipping_fee = serializers.DecimalField(max_digits=10, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    note = serializers.CharField()
    expires_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    order = OfferOrderRef(allow_null=True)
    created_at = serializers.DateTimeField()


class ProposalLineIn(serializers.Serializer):
    sku = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    price = PriceField(required=False, allow_null=True, help_text="The unit price asked for (or give a total).")


class ProposalCreateIn(serializers.Serializer):
    """A total, or a unit price on every line (or both)."""

    lines = serializers.ListField(child=ProposalLineIn(), min_length=1, max_length=rules.LINES_MAX)
    total = PriceField(required=False, allow_null=True, help_text="The total proposed, shipping included.")
    note = serializers.CharField(
        max_length=rules.NOTE_MAX_LENGTH, allow_blank=True, allow_null=True, required=False, help_text=_NO_NOTE
    )


class ProposalOut(ProposalCardOut):
    """A buyer's counter-proposal: the card the chat shows, and where and when it was made."""

    conversation = serializers.IntegerField(source="conversation_id")
    shop = serializers.IntegerField(source="shop_id")
    created_at = serializers.DateTimeField()
