from django.urls import path

from payments.views import seller

# The money page itself (/seller/money/) is composed in marketplace/urls.py (it shows orders too).
urlpatterns = [
    path("money/bank-account/", seller.payout_account, name="payout-account"),
]
