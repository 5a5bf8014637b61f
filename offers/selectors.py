from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from offers.models import Offer, OfferLine


def offer_with_lines(offer_id: int) -> Offer:
    return _with_lines(Offer.objects.filter(pk=offer_id)).get()


def conversation_offers(*, conversation_id: int) -> QuerySet[Offer]:
    return _with_lines(Offer.objects.filter(conversation_id=conversation_id)).order_by("-id")


def _with_lines(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    lines = OfferLine.objects.select_related("sku__product").order_by("id")
    return offers.select_related("order").prefetch_related(Prefetch("lines", queryset=lines))
