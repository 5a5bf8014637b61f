"""The orders app's models, by subject: cart.py, orders.py (orders, lines, events, refund requests,
idempotency keys), reviews.py. Everything is read from here (the package)."""

from orders.models.cart import MAX_QUANTITY, Cart, CartItem  # noqa: F401
from orders.models.orders import (  # noqa: F401
    IdempotencyKey,
    Order,
    OrderEvent,
    OrderLine,
    OrderQuerySet,
    RefundRequest,
    RefundRequestQuerySet,
)
from orders.models.reviews import REVIEW_MAX_PHOTOS, REVIEW_MAX_TEXT, Review, ReviewPhoto, ReviewQuerySet  # noqa: F401
