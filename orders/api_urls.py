from django.urls import path, re_path

from orders import apis

NUMBER = r"(?P<number>[0-9]{8,24})"

urlpatterns = [
    path("cart/", apis.CartApi.as_view(), name="cart"),
    path("cart/items/", apis.CartItemsApi.as_view(), name="cart-items"),
    re_path(r"^cart/items/(?P<item_id>[0-9]{1,19})/$", apis.CartItemApi.as_view(), name="cart-item"),
    path("checkout/", apis.CheckoutApi.as_view(), name="checkout"),
    path("orders/", apis.OrdersApi.as_view(), name="orders"),
    re_path(rf"^orders/{NUMBER}/$", apis.OrderApi.as_view(), name="order"),
    re_path(rf"^orders/{NUMBER}/cancel/$", apis.OrderCancelApi.as_view(), name="order-cancel"),
    re_path(
        rf"^orders/{NUMBER}/confirm-receipt/$", apis.OrderConfirmReceiptApi.as_view(), name="order-confirm-receipt"
    ),
    re_path(
        rf"^orders/{NUMBER}/refund-requests/$", apis.OrderRefundRequestsApi.as_view(), name="order-refund-requests"
    ),
    re_path(rf"^orders/{NUMBER}/reviews/$", apis.OrderReviewsApi.as_view(), name="order-reviews"),
    path("products/<int:product_id>/reviews/", apis.ProductReviewsApi.as_view(), name="product-reviews"),
    path("seller/reviews/", apis.SellerReviewsApi.as_view(), name="seller-reviews"),
    re_path(
        r"^seller/reviews/(?P<review_id>[0-9]{1,19})/reply/$",
        apis.SellerReviewReplyApi.as_view(),
        name="seller-review-reply",
    ),
    path("seller/orders/", apis.SellerOrdersApi.as_view(), name="seller-orders"),
    re_path(rf"^seller/orders/{NUMBER}/ship/$", apis.SellerOrderShipApi.as_view(), name="seller-order-ship"),
    re_path(
        rf"^seller/orders/{NUMBER}/adjust-price/$",
        apis.SellerOrderAdjustPriceApi.as_view(),
        name="seller-order-adjust-price",
    ),
    re_path(
        r"^seller/refund-requests/(?P<refund_request_id>[0-9]{1,19})/accept/$",
        apis.SellerRefundRequestAcceptApi.as_view(),
        name="seller-refund-request-accept",
    ),
    re_path(
        r"^seller/refund-requests/(?P<refund_request_id>[0-9]{1,19})/reject/$",
        apis.SellerRefundRequestRejectApi.as_view(),
        name="seller-refund-request-reject",
    ),
]
