"""What the cart, checkout, order and refund APIs accept. The rules are the services' (one constant each);
these declare them so the schema states them."""

from __future__ import annotations

from decimal import Decimal

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
    name = serializers.CharField(max_length=ADDRESS_MAX_LENGTHS["name"])
    phone = serializers.RegexField(
        PHONE_PATTERN, max_length=ADDRESS_MAX_LENGTHS["phone"], error_messages={"invalid": PHONE_MESSAGE}
    )
    province = serializers.CharField(max_length=ADDRESS_MAX_LENGTHS["province"])
    city = serializers.CharField(max_length=ADDRESS_MAX_LENGTHS["city"])
    line = serializers.CharField(max_length=ADDRESS_MAX_LENGTHS["line"])


class CheckoutItemInputSerializer(serializers.Serializer):
    sku = SkuIdField()
    quantity = QuantityField()


class CheckoutInputSerializer(serializers.Serializer):
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


# Bench B1's hot path: building a serializer deep-copies its nested fields (~0.3 ms of CPU per checkout);
# one prepared instance validates every valid body. `run_validation` keeps nothing on the instance (is_valid
# keeps initial_data and errors), so threads can share it. An invalid body is validated again by a throwaway
# instance, so its 400 is exactly is_valid's.
_CHECKOUT_IN = CheckoutInputSerializer()


def checkout_input_valid(data) -> dict:
    """`CheckoutInputSerializer(data=data)`'s validated data, or its ValidationError (a 400)."""
    try:
        return _CHECKOUT_IN.run_validation(data)
    except serializers.ValidationError:
        pass
    serializer = CheckoutInputSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


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
