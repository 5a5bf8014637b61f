"""The only ways to fetch a shop a user may not be allowed to see."""

from __future__ import annotations

from common.errors import NotFound
from shops.models import Shop, ShopMember


def access_public_shop(*, user, slug: str) -> Shop:
    """An approved shop for everyone; a pending or suspended shop only for its own people."""
    shop = Shop.objects.filter(slug=slug).first()
    if shop is None:
        raise NotFound()
    if shop.is_public:
        return shop
    if user.is_authenticated and ShopMember.objects.filter(shop=shop, user=user).exists():
        return shop
    raise NotFound()


def access_seller_shop(*, user) -> Shop:
    """The shop the user works for, in any status; 404 for someone who works for none."""
    if not user.is_authenticated:
        raise NotFound()
    membership = ShopMember.objects.select_related("shop").filter(user=user).first()
    if membership is None:
        raise NotFound("You do not have a shop yet.")
    return membership.shop
