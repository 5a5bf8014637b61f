"""The deals' shapes: the seller's input, and one DealOut for the show's detail, the `deal` frame and the
seller's answer (API.md: {id, status, price, remaining, starts_at, ends_at}, plus what the room's card shows)."""

from __future__ import annotations

from rest_framework import serializers

from catalog.serializers import CurrencyField, MoneyField, PriceField
from deals.errors import DURATION_MAX, DURATION_MIN, PER_BUYER_LIMIT_MAX, STARTS_IN_MAX, STARTS_IN_MIN
from deals.models import DealStatus
from orders.models import MAX_QUANTITY
from orders.serializers import AddressInputSerializer


class DealCreateIn(serializers.Serializer):
    sku = serializers.IntegerField(min_value=1)
    price = PriceField(help_text="The deal's unit price (a decimal string), below the SKU's list price.")
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, help_text="At most the SKU's stock.")
    per_buyer_limit = serializers.IntegerField(min_value=1, max_value=PER_BUYER_LIMIT_MAX)
    starts_in_seconds = serializers.IntegerField(min_value=STARTS_IN_MIN, max_value=STARTS_IN_MAX)
    duration_seconds = serializers.IntegerField(min_value=DURATION_MIN, max_value=DURATION_MAX)


class DealClaimIn(serializers.Serializer):
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    address = AddressInputSerializer()


class DealOut(serializers.Serializer):
    """A deal as the room sees it. `status` follows the server's clock; `now` is that clock when this was
    written, so a client's countdown runs on the server's time (offset = now − the client's clock)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DealStatus.choices)
    price = MoneyField()
    list_price = MoneyField(source="sku.price")
    currency = CurrencyField()
    remaining = serializers.IntegerField()
    quantity = serializers.IntegerField()
    per_buyer_limit = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    now = serializers.DateTimeField()
    sku = serializers.IntegerField(source="sku_id")
    product = serializers.IntegerField(source="sku.product_id")
    title = serializers.CharField(source="sku.product.title")
    sku_name = serializers.CharField(source="sku.name")


class DealFrame(serializers.Serializer):
    """The room's `deal` frame: on every status change and (at most ~4 a second) when `remaining` changes."""

    type = serializers.ChoiceField(choices=["deal"])
    deal = DealOut()
