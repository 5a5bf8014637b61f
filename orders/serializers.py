"""API input validation and output shapes for cart, checkout and orders."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from common.errors import ValidationFailed
from common.money import CURRENCY
from common.serializers import absolute_url, decimal_number
from orders.models import REVIEW_MAX_PHOTOS, REVIEW_MAX_TEXT, Order, OrderLine, RefundRequest, Review
from orders.selectors import CartLine, CartView, ReviewSummary
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


# --- reviews ----------------------------------------------------------------------------------------


class StarsField(serializers.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=5, **kwargs)


class ReviewCreateInputSerializer(serializers.Serializer):
    """JSON, or multipart with up to 6 `photos` files (checked like product photos)."""

    line = serializers.IntegerField(min_value=1)
    rating = StarsField()
    text = serializers.CharField(
        max_length=REVIEW_MAX_TEXT, required=False, allow_blank=True, default="", trim_whitespace=False
    )
    as_described = StarsField()
    communication = StarsField()
    shipping = StarsField()
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=REVIEW_MAX_PHOTOS, help_text="multipart only"
    )


class ReviewReplyInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=REVIEW_MAX_TEXT)


class ProductReviewsFilterSerializer(serializers.Serializer):
    with_photos = serializers.BooleanField(required=False, default=False)
    rating = serializers.IntegerField(required=False, min_value=1, max_value=5)


class SellerReviewsFilterSerializer(serializers.Serializer):
    unreplied = serializers.BooleanField(required=False, default=False)


def masked_name(username: str) -> str:
    """Reviewers are shown as Taobao shows them: first and last character."""
    if len(username) <= 2:
        return username[:1] + "***"
    return f"{username[0]}***{username[-1]}"


def review_data(review: Review, *, request=None, private: bool = False) -> dict:
    data = {
        "id": review.pk,
        "product": {"id": review.product_id},
        "sku": {"name": review.sku_name},
        "buyer": {"name": masked_name(review.buyer.username)},
        "rating": review.rating,
        "text": review.text,
        "photos": [
            {
                "id": p.pk,
                "url": absolute_url(request, p.image),
                "thumbnail_url": absolute_url(request, p.thumbnail or p.image),
            }
            for p in review.photos.all()
        ],
        "created_at": review.created_at,
        "reply": ({"text": review.reply_text, "at": review.replied_at} if review.replied_at else None),
    }
    if private:  # the author and the shop also see the shop scores and the moderation state
        data.update(
            {
                "order": {"number": review.order.number},
                "line": {"id": review.line_id},
                "as_described": review.as_described,
                "communication": review.communication,
                "shipping": review.shipping,
                "hidden": review.is_hidden,
                "hidden_reason": review.hidden_reason,
            }
        )
    return data


def review_summary_data(summary: ReviewSummary) -> dict:
    return {
        "rating": decimal_number(summary.rating),
        "review_count": summary.review_count,
        "histogram": {str(bar.stars): bar.count for bar in summary.histogram},
        "with_photos": summary.with_photos,
    }


class ReviewPhotoOut(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    thumbnail_url = serializers.URLField()


class ReviewReplyOut(serializers.Serializer):
    text = serializers.CharField()
    at = serializers.DateTimeField()


class IdOut(serializers.Serializer):
    id = serializers.IntegerField()


class NameOut(serializers.Serializer):
    name = serializers.CharField()


class NumberOut(serializers.Serializer):
    number = serializers.CharField()


class ReviewOut(serializers.Serializer):
    id = serializers.IntegerField()
    product = IdOut()
    sku = NameOut()
    buyer = NameOut()
    rating = serializers.IntegerField()
    text = serializers.CharField()
    photos = ReviewPhotoOut(many=True)
    created_at = serializers.DateTimeField()
    reply = ReviewReplyOut(allow_null=True)


class PrivateReviewOut(ReviewOut):
    order = NumberOut()
    line = IdOut()
    as_described = serializers.IntegerField()
    communication = serializers.IntegerField()
    shipping = serializers.IntegerField()
    hidden = serializers.BooleanField()
    hidden_reason = serializers.CharField()


class ReviewSummaryOut(serializers.Serializer):
    rating = serializers.FloatField(allow_null=True)
    review_count = serializers.IntegerField()
    histogram = serializers.DictField(child=serializers.IntegerField())
    with_photos = serializers.IntegerField()


class ProductReviewsPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    summary = ReviewSummaryOut()
    results = ReviewOut(many=True)


class SellerReviewsPageOut(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PrivateReviewOut(many=True)


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
