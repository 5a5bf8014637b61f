from django.urls import path

from shops.views import public

urlpatterns = [
    path("shop/open/", public.shop_open, name="open"),
    path("shop/<slug:slug>/follow/", public.shop_follow, name="follow"),
]
