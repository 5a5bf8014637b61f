"""The orders API: parse, call one service, shape the answer."""

from __future__ import annotations

import functools

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.access import access_public_product
from catalog.errors import OutOfStock
from catalog.stock_gate import GateCounter
from common.api import Pagination, paginated
from common.errors import Busy, InvalidState, NotFound, RateLimited
from common.idempotency import HEADER, IdempotencyKeyInFlight, IdempotencyKeyReused, IdempotentWrite, idempotent
from common.images import ImageTooLarge, InvalidImage
from common.openapi import api_errors
from common.parsers import JSONParser
from common.ratelimit import rate_limit_check, rate_limit_window, request_identity
from orders import serializers as s
from orders.access import (
    access_buyer_order,
    access_cart_item,
    access_seller_order,
    access_seller_refund_request,
    access_seller_review,
)
from orders.attribution import ORDER_SOURCES
from orders.errors import AlreadyReplied, AlreadyReviewed
from orders.models import IdempotencyKey
from orders.selectors.cart import cart_view
from orders.selectors.order_lists import buyer_orders, seller_orders
from orders.selectors.reviews import product_review_summary, product_reviews, seller_reviews
from orders.services.cart import cart_item_add, cart_item_remove, cart_item_update
from orders.services.checkout import checkout_place
from orders.services.checkout_gate import checkout_stock_gate
from orders.services.checkout_one_statement import buy_now_in_one_statement, buy_now_place
from orders.services.lifecycle import order_cancel, order_confirm_receipt, order_ship
from orders.services.price_changes import order_price_lower
from orders.services.refunds import refund_request_accept, refund_request_create, refund_request_reject
from orders.services.reviews.writing import review_create, review_reply
from payments.errors import RefundTooLarge
from shops.access import access_seller_shop


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CartApi(APIView):
    @api_errors()
    @extend_schema(responses=s.CartOut)
    def get(self, request):
        return Response(s.CartOut(cart_view(user=request.user)).data)


class CartItemsApi(APIView):
    @api_errors(OutOfStock, RateLimited)
    @extend_schema(request=s.CartItemAddInputSerializer, responses={201: s.CartLineOut})
    def post(self, request):
        rate_limit_check(request=request, scope="cart")
        data = _valid(s.CartItemAddInputSerializer, request.data)
        item = cart_item_add(user=request.user, sku_id=data["sku"], quantity=data["quantity"])
        line = next(line for line in cart_view(user=request.user).lines if line.item_id == item.pk)
        return Response(s.CartLineOut(line).data, status=status.HTTP_201_CREATED)


class CartItemApi(APIView):
    @api_errors(OutOfStock, RateLimited)
    @extend_schema(request=s.CartItemUpdateInputSerializer, responses=s.CartLineOut)
    def patch(self, request, item_id: int):
        rate_limit_check(request=request, scope="cart")
        item = access_cart_item(user=request.user, item_id=item_id)
        data = _valid(s.CartItemUpdateInputSerializer, request.data)
        item = cart_item_update(item=item, quantity=data["quantity"])
        line = next(line for line in cart_view(user=request.user).lines if line.item_id == item.pk)
        return Response(s.CartLineOut(line).data)

    @api_errors()
    @extend_schema(responses={204: None})
    def delete(self, request, item_id: int):
        cart_item_remove(item=access_cart_item(user=request.user, item_id=item_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _checkout_rate_limit(request) -> None:
    if not getattr(request, "checkout_hit_counted", False):  # counted with the stock gate's look
        rate_limit_check(request=request, scope="checkout")


def _stock_gated(method):
    """A buy-now of a SKU the stock gate knows is sold out is refused before the checkout's transaction opens
    (orders.services.checkout_gate); PostgreSQL's own "sold out" answers close the gate on the way out.
    A buy-now the gate lets through has its checkout rate limit counted in the gate's Redis round trip
    (bench B1: one round trip less); a refused one is not counted, as before (the limit came after)."""

    @functools.wraps(method)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip() or None
        window = rate_limit_window(scope="checkout", identity=request_identity(request))
        counter = GateCounter(redis_key=window.redis_key, expiry=window.expiry) if window else None
        with checkout_stock_gate(
            buyer=request.user, data=request.data, idempotency_key=key, counter=counter
        ) as gate_pass:
            if window is not None and gate_pass is not None and gate_pass.hits is not None:
                wait = window.wait(gate_pass.hits)
                if wait is not None:
                    raise RateLimited(retry_after=wait)
                request.checkout_hit_counted = True
            return method(view, request, *args, **kwargs)

    return wrapper


def _buy_now_in_one_statement(view, request, *, key: str | None, fingerprint: str) -> IdempotentWrite | None:
    """A buy-now of one SKU on PostgreSQL, placed and answered in one statement (bench B1,
    orders.services.checkout_one_statement); None for any other checkout (CheckoutApi.post places it)."""
    wanted = buy_now_in_one_statement(request.data)
    if wanted is None:
        return None
    source = ORDER_SOURCES.parse(request.data.get("source"), buyer=request.user)
    return buy_now_place(
        buyer=request.user,
        address=request.data.get("address"),
        wanted=wanted,
        source=source,
        store=IdempotencyKey,
        key=key,
        fingerprint=fingerprint,
        lock_wait_ms=settings.CHECKOUT_LOCK_WAIT_MS,
        answer=s.checkout_answer,
    )


class CheckoutApi(APIView):
    @api_errors(OutOfStock, Busy, IdempotencyKeyReused, IdempotencyKeyInFlight, RateLimited)
    @extend_schema(
        request=s.CheckoutInputSerializer,
        responses={201: s.CheckoutOut},
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER)],
    )
    @_stock_gated
    @idempotent(
        store=IdempotencyKey,
        lock_wait_ms=lambda: settings.CHECKOUT_LOCK_WAIT_MS,
        before=_checkout_rate_limit,
        writes_itself=_buy_now_in_one_statement,
    )
    def post(self, request):
        # The body goes to the service as it came: the service validates it, once (its errors keyed as the
        # page's and the offers' and deals' APIs key them: "address.phone", "items[0].quantity");
        # CheckoutInputSerializer states the same rules for the schema.
        data = request.data if isinstance(request.data, dict) else {}
        items = None  # no "items": the whole cart; "items": null is a bad list, not the cart
        if "items" in data:
            items = data["items"] if data["items"] is not None else []
        source = ORDER_SOURCES.parse(data.get("source"), buyer=request.user)
        result = checkout_place(buyer=request.user, address=data.get("address"), items=items, source=source)
        return Response(s.checkout_answer(result), status=status.HTTP_201_CREATED)


class OrdersApi(APIView):
    @api_errors()
    @extend_schema(
        operation_id="orders_list", responses=paginated(s.OrderOut), parameters=[s.OrderListFilterSerializer]
    )
    def get(self, request):
        filters = _valid(s.OrderListFilterSerializer, request.query_params)
        orders = buyer_orders(user=request.user, status=filters.get("status") or None)
        paginator = Pagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.OrderOut(page, many=True).data)


class OrderApi(APIView):
    @api_errors()
    @extend_schema(operation_id="orders_detail", responses=s.OrderOut)
    def get(self, request, number: str):
        order = access_buyer_order(user=request.user, number=number)
        return Response(s.OrderOut(buyer_orders(user=request.user).get(pk=order.pk)).data)


class OrderCancelApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=None, responses=s.OrderOut)
    def post(self, request, number: str):
        order = access_buyer_order(user=request.user, number=number)
        order_cancel(order_id=order.pk, actor=request.user, reason="buyer")
        return Response(s.OrderOut(buyer_orders(user=request.user).get(pk=order.pk)).data)


class OrderConfirmReceiptApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=None, responses=s.OrderOut)
    def post(self, request, number: str):
        order = access_buyer_order(user=request.user, number=number)
        order_confirm_receipt(order_id=order.pk, actor=request.user)
        return Response(s.OrderOut(buyer_orders(user=request.user).get(pk=order.pk)).data)


class OrderRefundRequestsApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=s.RefundRequestInputSerializer, responses={201: s.RefundRequestOut})
    def post(self, request, number: str):
        order = access_buyer_order(user=request.user, number=number)
        data = _valid(s.RefundRequestInputSerializer, request.data)
        refund_request = refund_request_create(
            order_id=order.pk,
            buyer=request.user,
            reason=data["reason"],
            amount=data.get("amount"),
            return_goods=data["return_goods"],
        )
        return Response(s.RefundRequestOut(refund_request).data, status=status.HTTP_201_CREATED)


class SellerOrdersApi(APIView):
    @api_errors(NotFound)
    @extend_schema(responses=paginated(s.OrderOut), parameters=[s.OrderListFilterSerializer])
    def get(self, request):
        shop = access_seller_shop(user=request.user)
        filters = _valid(s.OrderListFilterSerializer, request.query_params)
        orders = seller_orders(shop=shop, status=filters.get("status") or None)
        paginator = Pagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(s.OrderOut(page, many=True).data)


class SellerOrderShipApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=s.ShipInputSerializer, responses=s.OrderOut)
    def post(self, request, number: str):
        order = access_seller_order(user=request.user, number=number)
        data = _valid(s.ShipInputSerializer, request.data)
        order_ship(
            order_id=order.pk, actor=request.user, carrier=data["carrier"], tracking_number=data["tracking_number"]
        )
        return Response(s.OrderOut(seller_orders(shop=order.shop).get(pk=order.pk)).data)


class SellerOrderAdjustPriceApi(APIView):
    """改价 (API.md, "Offers in chat"): a lower total for an unpaid order; the payment asks for it."""

    @api_errors(InvalidState)
    @extend_schema(request=s.PriceChangeInputSerializer, responses=s.OrderOut)
    def post(self, request, number: str):
        order = access_seller_order(user=request.user, number=number)
        data = request.data if isinstance(request.data, dict) else {}
        order_price_lower(order_id=order.pk, actor=request.user, total=data.get("total"))
        return Response(s.OrderOut(seller_orders(shop=order.shop).get(pk=order.pk)).data)


class SellerRefundRequestAcceptApi(APIView):
    @api_errors(InvalidState, RefundTooLarge)
    @extend_schema(request=s.NoteInputSerializer, responses=s.RefundRequestOut)
    def post(self, request, refund_request_id: int):
        refund_request = access_seller_refund_request(user=request.user, refund_request_id=refund_request_id)
        data = _valid(s.NoteInputSerializer, request.data)
        refund_request = refund_request_accept(
            refund_request_id=refund_request.pk, actor=request.user, note=data["note"]
        )
        return Response(s.RefundRequestOut(refund_request).data)


class SellerRefundRequestRejectApi(APIView):
    @api_errors(InvalidState)
    @extend_schema(request=s.NoteInputSerializer, responses=s.RefundRequestOut)
    def post(self, request, refund_request_id: int):
        refund_request = access_seller_refund_request(user=request.user, refund_request_id=refund_request_id)
        data = _valid(s.NoteInputSerializer, request.data)
        refund_request = refund_request_reject(
            refund_request_id=refund_request.pk, actor=request.user, note=data["note"]
        )
        return Response(s.RefundRequestOut(refund_request).data)


# --- reviews ----------------------------------------------------------------------------------------


class OrderReviewsApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @api_errors(InvalidState, AlreadyReviewed, InvalidImage, ImageTooLarge)
    @extend_schema(
        request={
            "application/json": s.ReviewCreateInputSerializer,
            "multipart/form-data": s.ReviewCreateInputSerializer,
        },
        responses={201: s.PrivateReviewOut},
    )
    def post(self, request, number: str):
        order = access_buyer_order(user=request.user, number=number)
        data = _valid(s.ReviewCreateInputSerializer, request.data)
        photos = request.FILES.getlist("photos")
        review = review_create(
            order_id=order.pk,
            buyer=request.user,
            line_id=data["line"],
            rating=data["rating"],
            text=data["text"],
            as_described=data["as_described"],
            communication=data["communication"],
            shipping=data["shipping"],
            photos=photos,
        )
        review = seller_reviews(shop=order.shop).get(pk=review.pk)
        return Response(s.PrivateReviewOut(review, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ProductReviewsApi(APIView):
    permission_classes = [AllowAny]

    @api_errors()
    @extend_schema(parameters=[s.ProductReviewsFilterSerializer], responses=s.ProductReviewsPageOut)
    def get(self, request, product_id: int):
        product = access_public_product(product_id=product_id)
        filters = _valid(s.ProductReviewsFilterSerializer, request.query_params)
        reviews = product_reviews(
            product_id=product.pk, with_photos=filters["with_photos"], stars=filters.get("rating")
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(reviews, request, view=self)
        response = paginator.get_paginated_response(s.ReviewOut(page, many=True, context={"request": request}).data)
        response.data["summary"] = s.ReviewSummaryOut(product_review_summary(product=product)).data
        return response


class SellerReviewsApi(APIView):
    @api_errors(NotFound)
    @extend_schema(parameters=[s.SellerReviewsFilterSerializer], responses=s.SellerReviewsPageOut)
    def get(self, request):
        shop = access_seller_shop(user=request.user)
        filters = _valid(s.SellerReviewsFilterSerializer, request.query_params)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            seller_reviews(shop=shop, unreplied=filters["unreplied"]), request, view=self
        )
        return paginator.get_paginated_response(s.PrivateReviewOut(page, many=True, context={"request": request}).data)


class SellerReviewReplyApi(APIView):
    @api_errors(AlreadyReplied, InvalidState)
    @extend_schema(request=s.ReviewReplyInputSerializer, responses=s.PrivateReviewOut)
    def post(self, request, review_id: int):
        review = access_seller_review(user=request.user, review_id=review_id)
        data = _valid(s.ReviewReplyInputSerializer, request.data)
        review = review_reply(review_id=review.pk, actor=request.user, text=data["text"])
        review = seller_reviews(shop=review.shop).get(pk=review.pk)
        return Response(s.PrivateReviewOut(review, context={"request": request}).data)
