"""The seller center's money pages owned by payments: the bank account payouts go to.

The money page itself (balances, each order's sale, commission and payout, the statement) shows orders
too, so it is composed at the top, in marketplace/views/seller.py, from this app's selectors.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from common.errors import DomainError
from payments.forms import PayoutAccountForm
from payments.models import PayoutAccount
from payments.selectors import shop_payout_account
from payments.services.payout_accounts import payout_account_set
from shops.access import OWNER
from shops.decorators import seller_required


@seller_required(role=OWNER)  # where the money goes is the owner's alone
@require_http_methods(["GET", "POST"])
def payout_account(request):
    shop = request.shop
    account = shop_payout_account(shop_id=shop.id)
    initial = (
        {"kind": account.kind, "holder_name": account.holder_name, "bank_name": account.bank_name}
        if account
        else {"kind": PayoutAccount.Kind.CARD}
    )
    form = PayoutAccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payout_account_set(shop_id=shop.id, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            for field, errors in (exc.fields or {None: [exc.message]}).items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Bank account saved. We sent the shop's owner an e-mail about the change."))
            return redirect("seller:money")
    return render(
        request,
        "payments/seller/payout_account.html",
        {"seller_section": "money", "form": form, "account": account},
    )
