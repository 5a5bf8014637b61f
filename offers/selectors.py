from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from catalog.models import Sku
from offers.models import Offer, OfferLine, Proposal, ProposalLine
from orders.models import Order


def offer_with_lines(offer_id: int) -> Offer:
    return _with_lines(Offer.objects.filter(pk=offer_id)).get()


def proposal_with_lines(proposal_id: int) -> Proposal:
    lines = ProposalLine.objects.select_related("sku__product").order_by("id")
    return Proposal.objects.filter(pk=proposal_id).prefetch_related(Prefetch("lines", queryset=lines)).get()


def conversation_offers(*, conversation_id: int) -> QuerySet[Offer]:
    return _with_lines(Offer.objects.filter(conversation_id=conversation_id)).order_by("-id")


def _with_lines(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    lines = OfferLine.objects.select_related("sku__product").order_by("id")
    return offers.select_related("order").prefetch_related(Prefetch("lines", queryset=lines))


def offer_sku_choices(*, shop_id: int, limit: int = 300) -> list[dict]:
    """The shop's SKUs on sale that an offer or a counter-proposal may name (the forms' choices)."""
    skus = (
        Sku.objects.filter(product__shop_id=shop_id, product__visible=True, is_active=True)
        .select_related("product")
        .order_by("product__title", "product_id", "sort_order", "id")[:limit]
    )
    return [
        {
            "id": sku.pk,
            "product": sku.product_id,
            "title": sku.product.title,
            "name": sku.name,
            "price": f"{sku.price:.2f}",
            "stock": sku.stock,
        }
        for sku in skus
    ]


def conversation_unpaid_orders(*, conversation, limit: int = 3) -> list[Order]:
    """Orders between the conversation's buyer and shop that wait for payment (their price may be lowered)."""
    return list(
        Order.objects.for_shop(conversation.shop_id)
        .filter(buyer_id=conversation.buyer_id, status=Order.Status.PENDING_PAYMENT)
        .order_by("-id")[:limit]
    )
