"""The sandbox provider's pay page: what the buyer sees at "Alipay" before approving."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import InvalidState
from payments.access import access_buyer_payment
from payments.models import Payment
from payments.selectors import payment_live_allocations
from payments.services import payment_sandbox_approve


def _return_url(request, payment: Payment) -> str:
    if payment.return_url and url_has_allowed_host_and_scheme(payment.return_url, allowed_hosts={request.get_host()}):
        return payment.return_url
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_pay(request, payment_id: int):
    payment = access_buyer_payment(user=request.user, payment_id=payment_id)
    if request.method == "POST":
        try:
            payment_sandbox_approve(payment=payment)
        except InvalidState as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Payment received. The money is held in escrow until you confirm receipt."))
        return redirect(_return_url(request, payment))
    return render(
        request,
        "payments/sandbox_pay.html",
        {
            "payment": payment,
            "allocations": payment_live_allocations(payment=payment),
            "return_url": _return_url(request, payment),
        },
    )
