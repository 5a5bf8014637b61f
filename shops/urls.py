from django.urls import path

from shops.views import public

urlpatterns = [
    path("shop/open/", public.shop_open, name="open"),
    path("shop/<slug:slug>/follow/", public.shop_follow, name="follow"),
    path("staff-invitations/", public.staff_invitations, name="invitations"),
    path(
        "staff-invitations/<int:invitation_id>/<slug:answer>/",
        public.staff_invitation_answer,
        name="invitation-answer",
    ),
]
