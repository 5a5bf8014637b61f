from django.urls import path

from shops.views import seller

urlpatterns = [
    path("settings/", seller.shop_settings, name="shop-settings"),
]
