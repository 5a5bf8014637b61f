"""API input validation and answer shapes for cart, checkout, orders, refunds and reviews (one source each:
the API answers with these serializers, and drf-spectacular reads them)."""

from orders.serializers.inputs import (  # noqa: F401 (re-exported)
    AddressInputSerializer,
    CartItemAddInputSerializer,
    CartItemUpdateInputSerializer,
    CheckoutInputSerializer,
    CheckoutItemInputSerializer,
    NoteInputSerializer,
    OrderListFilterSerializer,
    PriceChangeInputSerializer,
    QuantityField,
    RefundRequestInputSerializer,
    ShipInputSerializer,
    SkuIdField,
)
from orders.serializers.orders import (  # noqa: F401 (re-exported)
    CartLineOut,
    CartOut,
    CheckoutOut,
    CurrencyOut,
    MoneyOut,
    OrderLineOut,
    OrderOut,
    OrderSummaryOut,
    RefundRequestOut,
    TimeOut,
    checkout_answer,
)
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
)
