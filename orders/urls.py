from django.urls import path, re_path

from orders.views import public

NUMBER = r"(?P<number>[0-9]{8,24})"

urlpatterns = [
    path("cart/", public.cart, name="cart"),
    path("cart/add/", public.cart_add, name="cart-add"),
    path("cart/items/<int:item_id>/", public.cart_item_change, name="cart-item"),
    path("checkout/", public.checkout, name="checkout"),
    path("orders/", public.my_orders, name="my-orders"),
    re_path(rf"^orders/{NUMBER}/$", public.order_detail, name="order-detail"),
    re_path(rf"^orders/{NUMBER}/review/(?P<line_id>[0-9]{{1,19}})/$", public.order_review, name="order-review"),
    re_path(rf"^orders/{NUMBER}/(?P<action>cancel|confirm-receipt|refund)/$", public.order_action, name="order-action"),
]
