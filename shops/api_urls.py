from django.urls import path

from shops import apis

urlpatterns = [
    path("shops/", apis.ShopCreateApi.as_view(), name="shop-create"),
    path("shops/<str:slug>/", apis.ShopDetailApi.as_view(), name="shop-detail"),
    path("seller/shop/", apis.SellerShopApi.as_view(), name="seller-shop"),
    path("seller/shop/review-request/", apis.SellerShopReviewRequestApi.as_view(), name="seller-shop-review-request"),
    path("seller/staff/", apis.SellerStaffApi.as_view(), name="seller-staff"),
    path("seller/staff/leave/", apis.SellerStaffLeaveApi.as_view(), name="seller-staff-leave"),
    path("seller/staff/invitations/", apis.SellerStaffInvitationsApi.as_view(), name="seller-staff-invitations"),
    path(
        "seller/staff/invitations/<int:invitation_id>/",
        apis.SellerStaffInvitationApi.as_view(),
        name="seller-staff-invitation",
    ),
    path("seller/staff/<int:member_id>/", apis.SellerStaffMemberApi.as_view(), name="seller-staff-member"),
    path("me/invitations/", apis.MyInvitationsApi.as_view(), name="my-invitations"),
    path(
        "me/invitations/<int:invitation_id>/accept/", apis.MyInvitationAcceptApi.as_view(), name="my-invitation-accept"
    ),
    path(
        "me/invitations/<int:invitation_id>/decline/",
        apis.MyInvitationDeclineApi.as_view(),
        name="my-invitation-decline",
    ),
]
