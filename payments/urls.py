from django.urls import path

from payments.views import public

urlpatterns = [
    path("pay/sandbox/<int:payment_id>/", public.sandbox_pay, name="sandbox"),
]
