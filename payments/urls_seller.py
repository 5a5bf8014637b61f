from django.urls import path

from payments.views import seller

urlpatterns = [
    path("money/", seller.money, name="money"),
]
