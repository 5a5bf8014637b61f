from django.urls import path

from tips import apis

urlpatterns = [
    path("shows/<int:show_id>/tips/", apis.ShowTipsApi.as_view(), name="show-tips"),
]
