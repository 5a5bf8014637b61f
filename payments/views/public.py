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
from payments.references import PAYMENT_REFERENCES
from payments.selectors import payment_live_allocations
from payments.services import payment_sandbox_approve


def _return_url(request, payment: Payment) -> str:
    if payment.return_url and url_has_allowed_host_and_scheme(payment.return_url, allowed_hosts={request.get_host()}):
        return payment.return_url
    return "/"


def _described(allocations) -> list | None:
    """Each allocation with its owner app's description (payments.references) when every one is described
    (a tip); None when any is not (orders: the page keeps its order and escrow wording)."""
    descriptions = PAYMENT_REFERENCES.describe(a.reference for a in allocations)
    if not allocations or any(a.reference not in descriptions for a in allocations):
        return None
    return [(a, descriptions[a.reference]) for a in allocations]


@login_required
@require_http_methods(["GET", "POST"])
def sandbox_pay(request, payment_id: int):
    payment = access_buyer_payment(user=request.user, payment_id=payment_id)
    allocations = payment_live_allocations(payment=payment)
    described = _described(allocations)
    escrow = described is None or any(description.escrow for _a, description in described)
    if request.method == "POST":
        try:
            payment_sandbox_approve(payment=payment)
        except InvalidState as exc:
            messages.error(request, exc.message)
        else:
            if escrow:
                messages.success(request, _("Payment received. The money is held in escrow until you confirm receipt."))
            else:
                messages.success(request, _("Payment received."))
        return redirect(_return_url(request, payment))
    return render(
        request,
        "payments/sandbox_pay.html",
        {
            "payment": payment,
            "allocations": allocations,
            "described": described,
            "back": described[0][1] if described else None,
            "escrow": escrow,
            "return_url": _return_url(request, payment),
        },
    )
