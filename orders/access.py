"""The only ways to fetch orders, cart items and refund requests a user may not be allowed to see.
Not yours and not there answer the same: 404."""

from __future__ import annotations

import re

from common.errors import NotFound
from orders.models import CartItem, Order, RefundRequest, Review
from payments.access import parse_id
from shops.access import STAFF, seller_objects_q

_NUMBER = re.compile(r"^[0-9]{8,24}$")


def _number(value) -> str:
    value = str(value or "")
    if not _NUMBER.match(value):
        raise NotFound()
    return value


def access_buyer_order(*, user, number) -> Order:
    order = Order.objects.for_buyer(user).select_related("shop").filter(number=_number(number)).first()
    if order is None:
        raise NotFound()
    return order


def access_seller_order(*, user, number, role: str = STAFF) -> Order:
    """An order of the shop the user works for (staff ship orders; roles: shops.access)."""
    if not user.is_authenticated:
        raise NotFound()
    order = (
        Order.objects.select_related("shop")
        .filter(seller_objects_q(user=user, role=role), number=_number(number))
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def access_cart_item(*, user, item_id) -> CartItem:
    if not user.is_authenticated:
        raise NotFound()
    item = CartItem.objects.filter(pk=parse_id(item_id), cart__user=user).first()
    if item is None:
        raise NotFound()
    return item


def access_seller_refund_request(*, user, refund_request_id, role: str = STAFF) -> RefundRequest:
    """A refund request on the shop's order (staff answer them; roles: shops.access)."""
    if not user.is_authenticated:
        raise NotFound()
    request = (
        RefundRequest.objects.select_related("order")
        .filter(seller_objects_q(user=user, role=role, path="order__shop"), pk=parse_id(refund_request_id))
        .first()
    )
    if request is None:
        raise NotFound()
    return request


def access_seller_review(*, user, review_id, role: str = STAFF) -> Review:
    """A review of the shop the user works for; another shop's review is 404 (roles: shops.access)."""
    if not user.is_authenticated:
        raise NotFound()
    review = (
        Review.objects.select_related("shop")
        .filter(seller_objects_q(user=user, role=role), pk=parse_id(review_id))
        .first()
    )
    if review is None:
        raise NotFound()
    return review
