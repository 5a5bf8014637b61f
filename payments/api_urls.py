from django.urls import path, re_path

from payments import apis, money_apis

urlpatterns = [
    re_path(r"^payments/(?P<payment_id>[0-9]{1,19})/$", apis.PaymentApi.as_view(), name="payment"),
    re_path(
        r"^payments/(?P<payment_id>[0-9]{1,19})/sandbox-pay/$", apis.SandboxPayApi.as_view(), name="payment-sandbox-pay"
    ),
    path("payments/notify/sandbox/", apis.SandboxNotifyApi.as_view(), name="payment-notify-sandbox"),
    path("seller/balance/", money_apis.SellerBalanceApi.as_view(), name="seller-balance"),
    path("seller/payouts/", money_apis.SellerPayoutsApi.as_view(), name="seller-payouts"),
    path("seller/statement/", money_apis.SellerStatementApi.as_view(), name="seller-statement"),
]
