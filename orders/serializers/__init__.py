"""API input validation and output shapes for cart, checkout and orders."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.errors import ValidationFailed
from common.money import CURRENCY
from orders.models import Order, OrderLine, RefundRequest
from orders.selectors import CartLine, CartView

# The reviews' inputs and shapes live in their own module; orders.apis reads them from here.
from orders.serializers.reviews import (  # noqa: F401 (re-exported)
    IdOut,
    NameOut,
    NumberOut,
    PrivateReviewOut,
    ProductReviewsFilterSerializer,
    ProductReviewsPageOut,
    ReviewCreateInputSerializer,
    ReviewOut,
    ReviewPhotoOut,
    ReviewReplyInputSerializer,
    ReviewReplyOut,
    ReviewSummaryOut,
    SellerReviewsFilterSerializer,
    SellerReviewsPageOut,
    StarsField,
    masked_name,
    review_data,
    review_summary_data,
)
from orders.services.cart import parse_quantity, parse_sku_id
from orders.services.checkout import CheckoutResult


def money(amount: Decimal) -> str:
    return f"{amount:.2f}"


@extend_schema_field(OpenApiTypes.INT)
class QuantityField(serializers.Field):
    """Whole numbers 1…999; rejects floats, "1e3", booleans and huge numbers."""

    def to_internal_value(self, data):
        try:
            return parse_quantity(data)
        except ValidationFailed as exc:
            raise serializers.ValidationError(exc.fields["quantity"]) from exc

    def to_representation(self, value):
        return value


@extend_schema_field(OpenApiTypes.INT)
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
    name = serializers.CharField(max_length=30)
    phone = serializers.CharField(max_length=20)
    province = serializers.CharField(max_length=30)
    city = serializers.CharField(max_length=30)
    line = serializers.CharField(max_length=200)


class CheckoutItemInputSerializer(serializers.Serializer):
    sku = SkuIdField()
    quantity = QuantityField()


class CheckoutInputSerializer(serializers.Serializer):
    address = AddressInputSerializer()
    items = CheckoutItemInputSerializer(many=True, required=False, allow_empty=False, max_length=100)


class ShipInputSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=40)
    tracking_number = serializers.CharField(max_length=40)


class RefundRequestInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        coerce_to_string=True,
    )
    return_goods = serializers.BooleanField(default=False)


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


# --- output -----------------------------------------------------------------------------------------


def cart_line_data(line: CartLine) -> dict:
    product = line.sku.product
    return {
        "id": line.item_id,
        "sku": {"id": line.sku.pk, "name": line.sku.name, "stock": line.sku.stock},
        "product": {"id": product.pk, "title": product.title, "thumbnail_url": line.thumbnail_url},
        "shop": {"slug": product.shop.slug, "name": product.shop.name},
        "quantity": line.quantity,
        "price": money(line.price),
        "subtotal": money(line.subtotal),
        "available": line.available,
        "currency": CURRENCY,
    }


def cart_data(cart: CartView) -> dict:
    return {"items": [cart_line_data(line) for line in cart.lines], "total": money(cart.total), "currency": CURRENCY}


def order_line_data(line: OrderLine) -> dict:
    return {
        "id": line.pk,
        "sku": {"id": line.sku_id, "name": line.sku_name},
        "product": {"id": line.product_id, "title": line.product_title},
        "quantity": line.quantity,
        "unit_price": money(line.unit_price),
        "subtotal": money(line.subtotal),
    }


def refund_request_data(request: RefundRequest) -> dict:
    return {
        "id": request.pk,
        "status": request.status,
        "reason": request.reason,
        "amount": money(request.amount),
        "currency": CURRENCY,
        "return_goods": request.return_goods,
        "respond_by": request.respond_by,
        "seller_note": request.seller_note,
        "created_at": request.created_at,
    }


def order_data(order: Order, *, lines: list[OrderLine] | None = None, detailed: bool = True) -> dict:
    data = {
        "number": order.number,
        "shop": {"slug": order.shop.slug, "name": order.shop.name},
        "status": order.status,
        "total": money(order.total),
        "currency": order.currency,
        "lines": [order_line_data(line) for line in (lines if lines is not None else order.lines.all())],
    }
    if detailed:
        data.update(
            {
                "payment": {"id": order.payment_id},
                "created_at": order.created_at,
                "payment_deadline_at": order.payment_deadline_at
                if order.status == Order.Status.PENDING_PAYMENT
                else None,
                "paid_at": order.paid_at,
                "shipment": {
                    "carrier": order.carrier,
                    "tracking_number": order.tracking_number,
                    "shipped_at": order.shipped_at,
                },
                "auto_confirm_at": order.auto_confirm_at,
                "completed_at": order.completed_at,
                "address": {
                    "name": order.ship_name,
                    "phone": order.ship_phone,
                    "province": order.ship_province,
                    "city": order.ship_city,
                    "line": order.ship_line,
                },
                "events": [{"type": e.type, "at": e.at} for e in order.events.all()],
                "refund_requests": [refund_request_data(r) for r in order.refund_requests.all()],
            }
        )
    return data


def checkout_data(result: CheckoutResult) -> dict:
    """The checkout's answer; stored with an Idempotency-Key and replayed as is (so: plain JSON)."""
    payment = result.payment
    return {
        "orders": [order_data(order, lines=result.lines.get(order.pk, []), detailed=False) for order in result.orders],
        "payment": {
            "id": payment.pk,
            "amount": money(payment.amount),
            "currency": payment.currency,
            "status": payment.status,
            "pay_url": result.pay_url,
        },
    }


# --- answer shapes for the OpenAPI schema (the functions above build what is sent) --------------------


class _Ref(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class _SkuRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    stock = serializers.IntegerField(required=False)


class _ProductRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    thumbnail_url = serializers.CharField(allow_null=True, required=False)


class CartLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    sku = _SkuRef()
    product = _ProductRef()
    shop = _Ref()
    quantity = serializers.IntegerField()
    price = serializers.CharField()
    subtotal = serializers.CharField()
    available = serializers.BooleanField()
    currency = serializers.CharField()


class CartOut(serializers.Serializer):
    items = CartLineOut(many=True)
    total = serializers.CharField()
    currency = serializers.CharField()


class OrderLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    sku = _SkuRef()
    product = _ProductRef()
    quantity = serializers.IntegerField()
    unit_price = serializers.CharField()
    subtotal = serializers.CharField()


class RefundRequestOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    reason = serializers.CharField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    return_goods = serializers.BooleanField()
    respond_by = serializers.DateTimeField(allow_null=True)
    seller_note = serializers.CharField()
    created_at = serializers.DateTimeField()


class _Shipment(serializers.Serializer):
    carrier = serializers.CharField()
    tracking_number = serializers.CharField()
    shipped_at = serializers.DateTimeField(allow_null=True)


class _Event(serializers.Serializer):
    type = serializers.CharField()
    at = serializers.DateTimeField()


class OrderSummaryOut(serializers.Serializer):
    number = serializers.CharField()
    shop = _Ref()
    status = serializers.CharField()
    total = serializers.CharField()
    currency = serializers.CharField()
    lines = OrderLineOut(many=True)


class OrderOut(OrderSummaryOut):
    payment = serializers.DictField()
    created_at = serializers.DateTimeField()
    payment_deadline_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)
    shipment = _Shipment()
    auto_confirm_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    address = serializers.DictField()
    events = _Event(many=True)
    refund_requests = RefundRequestOut(many=True)


class _PaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    amount = serializers.CharField()
    currency = serializers.CharField()
    status = serializers.CharField()
    pay_url = serializers.CharField()


class CheckoutOut(serializers.Serializer):
    orders = OrderSummaryOut(many=True)
    payment = _PaymentOut()
