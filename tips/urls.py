from django.urls import path

from tips import views

app_name = "tips"

urlpatterns = [
    path("shows/<int:show_id>/tips/paid/", views.tip_paid, name="paid"),
]
