"""What the cart, checkout, order and refund APIs accept. The rules are the services' (one constant each);
these declare them so the schema states them."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.errors import ValidationFailed
from common.ids import MAX_ID
from common.serializers import StrictBooleanField, StrictCharField, StrictDecimalField
from orders.models import MAX_QUANTITY, Order
from orders.services.cart import parse_quantity, parse_sku_id
from orders.services.checkout import ADDRESS_MAX_LENGTHS, MAX_CHECKOUT_LINES, PHONE_MESSAGE, PHONE_PATTERN
from orders.services.lifecycle import (
    CARRIER_MAX_LENGTH,
    TRACKING_NUMBER_MAX_LENGTH,
    TRACKING_NUMBER_MESSAGE,
    TRACKING_NUMBER_PATTERN,
)
from orders.services.refunds import AMOUNT_MAX, AMOUNT_MIN, NOTE_MAX_LENGTH, REASON_MAX_LENGTH


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_QUANTITY})
class QuantityField(serializers.Field):
    """Whole numbers 1…999; rejects floats, "1e3", booleans and huge numbers."""

    def to_internal_value(self, data):
        try:
            return parse_quantity(data)
        except ValidationFailed as exc:
            raise serializers.ValidationError(exc.fields["quantity"]) from exc

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class SkuIdField(serializers.Field):
    def to_internal_value(self, data):
        try:
            return parse_sku_id(data)
        except ValidationFailed as exc:
            raise serializers.ValidationError(exc.fields["sku"]) from exc

    def to_representation(self, value):
        return value


class CartItemAddInputSerializer(serializers.Serializer):
    sku = SkuIdField()
    quantity = QuantityField()


class CartItemUpdateInputSerializer(serializers.Serializer):
    quantity = QuantityField()


class AddressInputSerializer(serializers.Serializer):
    """The delivery address: the recipient, a phone the courier can call, province, city and street."""

    # For the schema: the services validate it (orders.services.checkout.address_clean); strict text, as the
    # service (a number is not a name).

    name = StrictCharField(max_length=ADDRESS_MAX_LENGTHS["name"])
    phone = StrictCharField(
        max_length=ADDRESS_MAX_LENGTHS["phone"], validators=[RegexValidator(PHONE_PATTERN, message=PHONE_MESSAGE)]
    )
    province = StrictCharField(max_length=ADDRESS_MAX_LENGTHS["province"])
    city = StrictCharField(max_length=ADDRESS_MAX_LENGTHS["city"])
    line = StrictCharField(max_length=ADDRESS_MAX_LENGTHS["line"])


class CheckoutItemInputSerializer(serializers.Serializer):
    sku = SkuIdField()
    quantity = QuantityField()


class CheckoutInputSerializer(serializers.Serializer):
    """A checkout: the delivery address, and the items to buy now (without them, the whole cart)."""

    # For the schema: the API hands the body to `checkout_place`, which validates it
    # (orders/tests/api/test_checkout_input.py: both accept and refuse the same bodies).

    address = AddressInputSerializer()
    # A ListField (not many=True): the schema then states minItems/maxItems.
    items = serializers.ListField(
        child=CheckoutItemInputSerializer(),
        required=False,
        allow_empty=False,
        min_length=1,
        max_length=MAX_CHECKOUT_LINES,
    )
    # Where the buyer placed it (orders.attribution): "show:<id>" from a live show's room.
    source = StrictCharField(
        required=False, allow_blank=True, max_length=40, help_text='Where the order was placed, e.g. "show:12".'
    )


class ShipInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=CARRIER_MAX_LENGTH)
    tracking_number = serializers.RegexField(
        TRACKING_NUMBER_PATTERN,
        max_length=TRACKING_NUMBER_MAX_LENGTH,
        error_messages={"invalid": TRACKING_NUMBER_MESSAGE},
    )


class RefundRequestInputSerializer(serializers.Serializer):
    reason = StrictCharField(max_length=REASON_MAX_LENGTH)
    amount = StrictDecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=AMOUNT_MIN,
        max_value=AMOUNT_MAX,
        required=False,
        allow_null=True,
        coerce_to_string=True,
    )
    return_goods = StrictBooleanField(default=False)


class PriceChangeInputSerializer(serializers.Serializer):
    """改价: the new total, lower than the order's current total (the service checks that)."""

    total = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), coerce_to_string=True)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class OrderListFilterSerializer(serializers.Serializer):
    """`?status=`: one of the order states (blank: all); anything else is a 400."""

    status = serializers.ChoiceField(choices=Order.Status.choices, required=False, allow_blank=True)
