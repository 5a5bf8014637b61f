from django.urls import path

from deals import apis

urlpatterns = [
    path("seller/shows/<int:show_id>/deals/", apis.SellerShowDealsApi.as_view(), name="seller-show-deals"),
    path("shows/<int:show_id>/deals/<int:deal_id>/claim/", apis.DealClaimApi.as_view(), name="show-deal-claim"),
]
