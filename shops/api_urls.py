from django.urls import path

from shops import apis

urlpatterns = [
    path("shops/", apis.ShopCreateApi.as_view(), name="shop-create"),
    path("shops/<str:slug>/", apis.ShopDetailApi.as_view(), name="shop-detail"),
    path("seller/shop/", apis.SellerShopApi.as_view(), name="seller-shop"),
]
