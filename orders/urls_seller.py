from django.urls import path, re_path

from orders.views import seller

urlpatterns = [
    path("orders/", seller.orders, name="orders"),
    re_path(r"^orders/(?P<number>[0-9]{8,24})/ship/$", seller.ship, name="order-ship"),
    re_path(r"^orders/(?P<number>[0-9]{8,24})/adjust-price/$", seller.adjust_price, name="order-adjust-price"),
    re_path(r"^orders/(?P<number>[0-9]{8,24})/packing-slip/$", seller.packing_slip, name="order-packing-slip"),
    path("reviews/", seller.reviews, name="reviews"),
    re_path(r"^reviews/(?P<review_id>[0-9]{1,19})/reply/$", seller.review_reply_page, name="review-reply"),
    re_path(
        r"^refund-requests/(?P<refund_request_id>[0-9]{1,19})/(?P<answer>accept|reject)/$",
        seller.refund_answer,
        name="refund-answer",
    ),
]
