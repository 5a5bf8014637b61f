"""The only way to fetch an offer: its buyer or anyone working for its shop; everyone else gets 404."""

from __future__ import annotations

from django.db.models import Q

from common.errors import NotFound
from common.ids import parse_id
from offers.models import Offer
from shops.models import ShopMember


def access_offer(user, offer_id) -> Offer:
    """Sets `viewer_role` ("buyer" or "seller")."""
    if user is None or not user.is_authenticated:
        raise NotFound()
    pk = parse_id(offer_id)
    member_of = ShopMember.objects.filter(user=user).values("shop_id")
    offer = (
        Offer.objects.filter(Q(buyer=user) | Q(shop_id__in=member_of), pk=pk)
        .select_related("shop", "buyer", "conversation", "order")
        .first()
    )
    if offer is None:
        raise NotFound()
    offer.viewer_role = "buyer" if offer.buyer_id == user.pk else "seller"
    return offer
