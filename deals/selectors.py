"""Reads: a show's current deal as the room shows it, and the show's deal statistics."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Sku
from deals.models import Deal, DealClaim
from deals.serializers import DealOut


def deal_load(deal_id: int) -> Deal | None:
    return Deal.objects.select_related("sku__product").filter(pk=deal_id).first()


def deal_data(deal: Deal, *, now: datetime | None = None) -> dict:
    """DealOut, with the status and `now` on the server's clock."""
    now = now or timezone.now()
    deal.now = now
    data = DealOut(deal).data
    data["status"] = deal.status_at(now)
    return data


def deal_current(show) -> Deal | None:
    """The show's newest deal unless it has ended (what the room's card shows)."""
    return (
        Deal.objects.select_related("sku__product")
        .filter(show_id=show.pk, ends_at__gt=timezone.now())
        .order_by("-starts_at", "-id")
        .first()
    )


def show_deal_detail(show) -> dict | None:
    """The value under "deal" in the show's detail (live.extensions.SHOW_PARTS)."""
    deal = deal_current(show)
    return None if deal is None else deal_data(deal)


def show_deal_stats_rows(show) -> dict[str, str]:
    """Deal sell-through for the show's statistics (live.extensions.SHOW_PARTS): units offered and units
    sold (claims not returned to their deal)."""
    offered = Deal.objects.filter(show_id=show.pk).aggregate(n=Sum("quantity"))["n"] or 0
    sold = DealClaim.objects.filter(deal__show_id=show.pk, released=False).aggregate(n=Sum("quantity"))["n"] or 0
    return {
        _("Flash deals: units sold / offered"): f"{sold} / {offered}",
        _("Flash deals: sell-through"): f"{100 * sold / offered:.0f}%" if offered else "—",
    }


def deal_sku_choices(*, shop_id: int, limit: int = 200) -> list[Sku]:
    """The shop's SKUs on sale with stock (the seller's deal form), in one query."""
    return list(
        Sku.objects.select_related("product")
        .filter(product__shop_id=shop_id, product__status=Product.Status.ACTIVE, is_active=True, stock__gt=0)
        .order_by("-product_id", "sort_order", "id")[:limit]
    )
