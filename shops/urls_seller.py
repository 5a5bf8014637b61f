from django.urls import path

from shops.views import seller

urlpatterns = [
    path("settings/", seller.shop_settings, name="shop-settings"),
    path("settings/review-request/", seller.shop_review_request_page, name="shop-review-request"),
    path("staff/", seller.staff_page, name="staff"),
    path("staff/leave/", seller.staff_leave_page, name="staff-leave"),
    path("staff/<int:member_id>/remove/", seller.staff_member_remove, name="staff-remove"),
    path("staff/invitations/<int:invitation_id>/withdraw/", seller.staff_invitation_withdraw, name="staff-revoke"),
]
