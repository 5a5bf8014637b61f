"""What the cart, checkout, order and refund APIs answer: each shape once, read by the API and by the schema."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.money import CURRENCY, money_str
from orders.models import Order, OrderEvent, RefundRequest
from orders.serializers.checkout_answer_fast import checkout_answer_fast
from orders.services.checkout import CheckoutResult
from payments.models import Payment
from shops.serializers import ShopRefOut


class MoneyOut(serializers.DecimalField):
    """An amount in yuan as the API writes it: a string with two decimals ("28.00")."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=14, decimal_places=2, coerce_to_string=True, read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return money_str(value)


class TimeOut(serializers.DateTimeField):
    """A stored time in ISO 8601, UTC written as "Z" (as the API has always written it)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


@extend_schema_field({"type": "string", "enum": [CURRENCY]})
class CurrencyOut(serializers.CharField):
    """The currency beside an amount: the object's own `currency`, or "CNY" where it stores none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return value if isinstance(value, str) else getattr(value, "currency", CURRENCY)


# --- cart ---------------------------------------------------------------------------------------------


class _SkuRef(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    stock = serializers.IntegerField()


class _ProductRef(serializers.Serializer):
    id = serializers.IntegerField(source="sku.product.pk")
    title = serializers.CharField(source="sku.product.title")
    thumbnail_url = serializers.CharField(allow_null=True)


class CartLineOut(serializers.Serializer):
    """One line of `orders.selectors.CartLine`."""

    id = serializers.IntegerField(source="item_id")
    sku = _SkuRef()
    product = _ProductRef(source="*")
    shop = ShopRefOut(source="sku.product.shop")
    quantity = serializers.IntegerField()
    price = MoneyOut()
    subtotal = MoneyOut()
    available = serializers.BooleanField()
    currency = CurrencyOut()


class CartOut(serializers.Serializer):
    """`orders.selectors.CartView`."""

    items = CartLineOut(many=True, source="lines")
    total = MoneyOut()
    currency = CurrencyOut()


# --- orders ---------------------------------------------------------------------------------------------


# An order line names the SKU and product as they were sold. `stock` and `thumbnail_url` were in the
# schema of these references before (one shape with the cart's): never sent for a line, still declared
# (optional) so that no client generated from the schema loses an attribute.
_NEVER_SENT = "Not sent for an order line."


class _LineSkuRef(serializers.Serializer):
    id = serializers.IntegerField(source="sku_id")
    name = serializers.CharField(source="sku_name")
    stock = serializers.IntegerField(required=False, help_text=_NEVER_SENT)


class _LineProductRef(serializers.Serializer):
    id = serializers.IntegerField(source="product_id")
    title = serializers.CharField(source="product_title")
    thumbnail_url = serializers.CharField(required=False, help_text=_NEVER_SENT)


class OrderLineOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    sku = _LineSkuRef(source="*")
    product = _LineProductRef(source="*")
    quantity = serializers.IntegerField()
    unit_price = MoneyOut()
    subtotal = MoneyOut()


class RefundRequestOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=RefundRequest.Status.choices)
    reason = serializers.CharField()
    amount = MoneyOut()
    currency = CurrencyOut()
    return_goods = serializers.BooleanField()
    respond_by = TimeOut(allow_null=True)
    seller_note = serializers.CharField()
    created_at = TimeOut()


class _Shipment(serializers.Serializer):
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    shipped_at = TimeOut(allow_null=True)


class _Event(serializers.Serializer):
    type = serializers.ChoiceField(choices=OrderEvent.Type.choices)
    at = TimeOut()


class _PaymentRef(serializers.Serializer):
    id = serializers.IntegerField(source="payment_id")


class _Address(serializers.Serializer):
    name = serializers.CharField(source="ship_name")
    phone = serializers.CharField(source="ship_phone")
    province = serializers.CharField(source="ship_province")
    city = serializers.CharField(source="ship_city")
    line = serializers.CharField(source="ship_line")


class OrderSummaryOut(serializers.Serializer):
    """An order as a checkout answers it (an Order with its lines prefetched, or the checkout's PlacedOrder)."""

    number = serializers.CharField()
    shop = ShopRefOut()
    status = serializers.ChoiceField(choices=Order.Status.choices)
    total = MoneyOut()
    currency = CurrencyOut()
    lines = OrderLineOut(many=True)


class OrderOut(OrderSummaryOut):
    """An order as the buyer's and the seller's order APIs answer it (from `buyer_orders` / `seller_orders`,
    which prefetch its lines, events and refund requests)."""

    payment = _PaymentRef(source="*")
    created_at = TimeOut()
    payment_deadline_at = serializers.SerializerMethodField()
    paid_at = TimeOut(allow_null=True)
    shipment = _Shipment(source="*")
    auto_confirm_at = TimeOut(allow_null=True)
    completed_at = TimeOut(allow_null=True)
    address = _Address(source="*")
    events = _Event(many=True, source="events.all")
    refund_requests = RefundRequestOut(many=True, source="refund_requests.all")

    @extend_schema_field(TimeOut(allow_null=True))
    def get_payment_deadline_at(self, order: Order) -> str | None:
        """Only while the order waits for its payment."""
        if order.status != Order.Status.PENDING_PAYMENT or order.payment_deadline_at is None:
            return None
        return TimeOut().to_representation(order.payment_deadline_at)


# --- checkout -------------------------------------------------------------------------------------------


class CheckoutPaymentOut(serializers.Serializer):
    """The checkout's one payment (named apart from payments' PaymentOut: generated clients need one name each)."""

    id = serializers.IntegerField(source="payment.pk")
    amount = MoneyOut(source="payment.amount")
    currency = CurrencyOut(source="payment.currency")
    status = serializers.ChoiceField(choices=Payment.Status.choices, source="payment.status")
    pay_url = serializers.CharField()


class CheckoutOut(serializers.Serializer):
    """`orders.services.checkout.CheckoutResult`; the answer stored with an Idempotency-Key (plain JSON)."""

    orders = OrderSummaryOut(many=True, source="placed")
    payment = CheckoutPaymentOut(source="*")


# Bench B1's hot path: building a serializer (DRF deep-copies every nested field) cost ~1 ms of CPU per
# checkout answer against ~10 µs for the dict it replaced; one prepared instance answers in between.
# to_representation only reads its fields, so threads can share it (no context: nothing here needs one).
_CHECKOUT_OUT = CheckoutOut()


def checkout_answer_serialized(result: CheckoutResult) -> dict:
    """The answer through `CheckoutOut`: its definition (checkout_answer_fast builds the same dict)."""
    return _CHECKOUT_OUT.to_representation(result)


def checkout_answer(result: CheckoutResult) -> dict:
    """A checkout's answer (201 body, and the Idempotency-Key's stored answer): plain values built by
    `checkout_answer_fast` (bench B1), compared with `checkout_answer_serialized` by test."""
    return checkout_answer_fast(result)
