"""The seller center's money page, composed here at the top: balances and payouts come from payments,
each order's sale and commission from orders (payments knows references, not orders)."""

from datetime import date

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from orders.selectors import order_earning, seller_order_earnings
from payments.exports import statement_csv_response
from payments.selectors import next_payout_at, shop_balances, shop_payout_account, shop_payouts, shop_statement
from shops.access import OWNER
from shops.decorators import seller_required

BALANCE_HELP = {
    "in_escrow": _("Buyers have paid; the platform holds it until they confirm receipt."),
    "pending": _("Receipt confirmed and commission taken off; it waits out the hold before it can be paid."),
    "available": _("Yours: it goes to your bank account with the next payout."),
    "in_transit": _("In a payout, on its way to your bank account."),
    "paid_out": _("Everything sent to your bank account so far."),
}
BALANCE_LABELS = {
    "in_escrow": _("In escrow"),
    "pending": _("Pending"),
    "available": _("Available"),
    "in_transit": _("On the way"),
    "paid_out": _("Paid out"),
}


@seller_required(role=OWNER)  # money is the owner's: staff run products, orders and chat
@require_GET
def money(request):
    """The money page in a farmer's words: five balances explained in a line each, every order's sale,
    commission and what comes to the seller (and when), the payouts and the statement. Times are the
    site's zone (the shop's: every shop is in China), and the statement names only this shop's orders."""
    shop = request.shop
    filters = _statement_dates(request)
    entries = shop_statement(shop_id=shop.id, start=filters.get("from"), end=filters.get("to"))
    if request.GET.get("format") == "csv":
        return statement_csv_response(shop=shop, entries=entries)
    balances = shop_balances(shop_id=shop.id)
    orders_page = Paginator(seller_order_earnings(shop=shop), 10).get_page(request.GET.get("orders_page"))
    now = timezone.now()
    return render(
        request,
        "payments/seller/money.html",
        {
            "seller_section": "money",
            "balances": [
                {"key": key, "label": BALANCE_LABELS[key], "help": BALANCE_HELP[key], "amount": balances[key]}
                for key in BALANCE_LABELS
            ],
            "hold_days": settings.PAYOUT_HOLD_DAYS,
            "payout_minimum": settings.PAYOUT_MINIMUM,
            "next_payout_at": next_payout_at(),
            "payouts": list(shop_payouts(shop_id=shop.id)[:10]),
            "orders_page": orders_page,
            "earnings": [order_earning(order, now=now) for order in orders_page.object_list],
            "payout_account": shop_payout_account(shop_id=shop.id),
            "page": Paginator(entries, 30).get_page(request.GET.get("page")),
            "filters": filters,
            "zone_name": timezone.get_current_timezone_name(),
            "zone_offset": _utc_offset(now),
        },
    )


def _statement_dates(request) -> dict:
    """The statement's ?from= and ?to= days; a value that is not a date (YYYY-MM-DD) is ignored."""
    dates = {}
    for key in ("from", "to"):
        value = request.GET.get(key, "")
        try:
            dates[key] = date.fromisoformat(value) if 0 < len(value) <= 10 else None
        except ValueError:
            dates[key] = None
    return {key: value for key, value in dates.items() if value}


def _utc_offset(now) -> str:
    """ "+08:00" for the site's zone at `now`."""
    offset = timezone.localtime(now).strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"
