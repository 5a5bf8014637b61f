"""Seller center: the shop's orders, shipping, and answers to refund requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from common.errors import DomainError
from orders.access import access_seller_order, access_seller_refund_request, access_seller_review
from orders.forms import NoteForm, PriceChangeForm, ShipForm
from orders.models import Order
from orders.selectors.order_lists import seller_order_counts, seller_orders
from orders.selectors.reviews import seller_reviews, seller_unreplied_review_count
from orders.selectors.seller_center import seller_order_todo
from orders.services.lifecycle import order_ship
from orders.services.price_changes import PRICE_CHANGES_MAX, order_price_lower
from orders.services.refunds import refund_request_accept, refund_request_reject
from orders.services.reviews.writing import review_reply
from orders.views.public import _back, _error_message
from shops.decorators import seller_required

SELLER_TABS = [
    ("", gettext_lazy("All")),
    (Order.Status.PAID, gettext_lazy("To ship")),
    (Order.Status.PENDING_PAYMENT, gettext_lazy("Awaiting payment")),
    (Order.Status.SHIPPED, gettext_lazy("Shipped")),
    (Order.Status.COMPLETED, gettext_lazy("Completed")),
    (Order.Status.REFUNDED, gettext_lazy("Refunded")),
    (Order.Status.CANCELLED, gettext_lazy("Cancelled")),
]
# The common carriers (Chinese name and English name, stored as written here); "other" takes free text.
CARRIERS = [
    ("顺丰速运 SF Express", gettext_lazy("SF Express (顺丰)")),
    ("中通快递 ZTO Express", gettext_lazy("ZTO Express (中通)")),
    ("圆通速递 YTO Express", gettext_lazy("YTO Express (圆通)")),
    ("韵达快递 Yunda Express", gettext_lazy("Yunda Express (韵达)")),
    ("申通快递 STO Express", gettext_lazy("STO Express (申通)")),
    ("中国邮政 EMS", gettext_lazy("China Post EMS (邮政)")),
    ("京东物流 JD Logistics", gettext_lazy("JD Logistics (京东)")),
    ("极兔速递 J&T Express", gettext_lazy("J&T Express (极兔)")),
]


@seller_required
@require_GET
def orders(request):
    refund_open = request.GET.get("refund") == "open"
    status = "" if refund_open else request.GET.get("status", "")
    counts = seller_order_counts(shop=request.shop)
    tabs = [(value, label, sum(counts.values()) if not value else counts.get(value, 0)) for value, label in SELLER_TABS]
    shown = list(seller_orders(shop=request.shop, status=status or None, refund_open=refund_open)[:100])
    for order in shown:  # 改价: how many more times an unpaid order's price may go down
        order.price_changes_left = max(PRICE_CHANGES_MAX - order.price_changes, 0)
    return render(
        request,
        "orders/seller/orders.html",
        {
            "seller_section": "orders",
            "orders": shown,
            "adjust": request.GET.get("adjust", ""),
            "price_changes_max": PRICE_CHANGES_MAX,
            "tabs": tabs,
            "status": status,
            "refund_open": refund_open,
            "ship_form": ShipForm(),
            "note_form": NoteForm(),
            "carriers": CARRIERS,
            "refunds_waiting": seller_order_todo(shop_id=request.shop.pk).refunds_waiting,
        },
    )


@seller_required
@require_GET
def packing_slip(request, number: str):
    """A printable packing slip: the address, the lines, no prices (the buyer may be sent a gift)."""
    order = access_seller_order(user=request.user, number=number)
    order = seller_orders(shop=order.shop).get(pk=order.pk)
    return render(request, "orders/seller/packing_slip.html", {"order": order, "shop": order.shop})


@seller_required
@require_POST
def ship(request, number: str):
    order = access_seller_order(user=request.user, number=number)
    try:
        order_ship(
            order_id=order.pk,
            actor=request.user,
            # The carrier list's "other" choice leaves `carrier` empty and names it in `carrier_other`.
            carrier=request.POST.get("carrier") or request.POST.get("carrier_other"),
            tracking_number=request.POST.get("tracking_number"),
        )
    except DomainError as exc:
        messages.error(
            request,
            _("Order %(number)s not shipped: %(reason)s")
            % {"number": order.number, "reason": _error_message(exc, labels=SHIP_FIELDS)},
        )
    else:
        messages.success(request, _("Order %(number)s shipped.") % {"number": order.number})
    return redirect(_back(request, reverse("seller:orders")))


# A refused shipment names its field: the orders list shows a ship form per order.
SHIP_FIELDS = {"carrier": gettext_lazy("Carrier"), "tracking_number": gettext_lazy("Tracking number")}


@seller_required
@require_POST
def adjust_price(request, number: str):
    """改价: the order's form in the list posts here; the service lowers the total (and the payment's amount)."""
    order = access_seller_order(user=request.user, number=number)
    form = PriceChangeForm(request.POST, current=order.total)
    # Again with the form open, from the top of the list, where the reason is shown.
    again = f"{reverse('seller:orders')}?status={Order.Status.PENDING_PAYMENT}&adjust={order.number}"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(again)
    try:
        order = order_price_lower(order_id=order.pk, actor=request.user, total=form.cleaned_data["total"])
    except DomainError as exc:
        messages.error(request, _error_message(exc))
        return redirect(again)
    messages.success(
        request,
        _("Order %(number)s now costs ¥%(total)s. The buyer has been told.")
        % {"number": order.number, "total": f"{order.total:.2f}"},
    )
    return redirect(f"{reverse('seller:orders')}?status={Order.Status.PENDING_PAYMENT}#order-{order.number}")


@seller_required
@require_POST
def refund_answer(request, refund_request_id: int, answer: str):
    refund_request = access_seller_refund_request(user=request.user, refund_request_id=refund_request_id)
    try:
        if answer == "accept":
            refund_request_accept(
                refund_request_id=refund_request.pk, actor=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("Refund accepted; the money goes back to the buyer."))
        else:
            refund_request_reject(
                refund_request_id=refund_request.pk, actor=request.user, note=request.POST.get("note", "")
            )
            messages.success(request, _("Refund rejected; the platform will review the case."))
    except DomainError as exc:
        messages.error(request, _error_message(exc))
    return redirect(_back(request, reverse("seller:orders")))


@seller_required
@require_GET
def reviews(request):
    """The shop's reviews, newest first; "to reply" lists those still waiting for the one reply."""
    unreplied = request.GET.get("filter") == "unreplied"
    page = Paginator(seller_reviews(shop=request.shop, unreplied=unreplied), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/seller/reviews.html",
        {
            "seller_section": "reviews",
            "page": page,
            "unreplied": unreplied,
            "unreplied_count": seller_unreplied_review_count(shop=request.shop),
        },
    )


@seller_required
@require_POST
def review_reply_page(request, review_id: int):
    review = access_seller_review(user=request.user, review_id=review_id)
    try:
        review_reply(review_id=review.pk, actor=request.user, text=request.POST.get("text"))
    except DomainError as exc:
        messages.error(request, _error_message(exc))
    else:
        messages.success(request, _("Reply published under the review."))
    return redirect(_back(request, reverse("seller:reviews")))
