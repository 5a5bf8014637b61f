"""The operator console's front page: today's figures from several apps (composed here, at the top)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from common.money import from_fen
from orders.models import Order, RefundRequest
from payments.models import LateCapture, Payout, PayoutBatch, Refund
from shops.models import Shop


def dashboard_figures(*, now: datetime | None = None) -> list[dict]:
    now = timezone.localtime(now or timezone.now())
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    orders = Order.objects.filter(created_at__gte=today).aggregate(
        n=Count("id"), gmv=Sum("total", filter=Q(paid_at__isnull=False))
    )
    batches = PayoutBatch.objects.filter(status=PayoutBatch.Status.AWAITING_APPROVAL)
    due = Payout.objects.filter(batch__in=batches).aggregate(n=Count("id"), fen=Sum("amount_fen"))
    return [
        {"label": _("Orders today"), "value": orders["n"], "url": "orders/order/"},
        {"label": _("GMV today (paid, CNY)"), "value": f"{orders['gmv'] or 0:.2f}", "url": "orders/order/"},
        {
            "label": _("Shops awaiting approval"),
            "value": Shop.objects.filter(status=Shop.Status.PENDING).count(),
            "url": "shops/shop/?status__exact=pending",
        },
        {
            "label": _("Listings asking for review"),
            "value": Product.objects.filter(moderation=Product.Moderation.REVIEW_REQUESTED).count(),
            "url": "catalog/product/?moderation=review_requested",
        },
        {
            "label": _("Suspended shops asking for review"),
            "value": Shop.objects.filter(review_requested_at__isnull=False).count(),
            "url": "shops/shop/?review=requested",
        },
        {
            "label": _("Open disputes"),
            "value": RefundRequest.objects.filter(status=RefundRequest.Status.ESCALATED).count(),
            "url": "orders/refundrequest/?status__exact=escalated",
        },
        {
            "label": _("Payouts awaiting approval"),
            "value": f"{due['n']} · ¥{from_fen(due['fen'] or 0):.2f}",
            "url": "payments/payoutbatch/?status__exact=awaiting_approval",
        },
        {
            "label": _("Failed payouts"),
            "value": Payout.objects.filter(status=Payout.Status.FAILED).count(),
            "url": "payments/payout/?status__exact=failed",
        },
        {
            # refused by the provider or never confirmed: the buyer waits until an operator sends it again
            "label": _("Failed refunds"),
            "value": Refund.objects.filter(status=Refund.Status.FAILED).count(),
            "url": "payments/refund/?status__exact=failed",
        },
        {
            # money captured for cancelled or expired orders whose automatic refund has not succeeded yet
            "label": _("Late captures not yet refunded"),
            "value": LateCapture.objects.exclude(refund__status=Refund.Status.SUCCEEDED).count(),
            "url": "payments/latecapture/",
        },
    ]


class MarketplaceAdminSite(admin.AdminSite):
    site_header = _("农家集市 · Operator console")
    site_title = _("Operator console")
    index_title = _("Today")
    index_template = "admin/marketplace_index.html"
    # The app list is the front page; beside a changelist it left too little room for its columns.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        return super().index(request, {**(extra_context or {}), "dashboard": dashboard_figures()})
