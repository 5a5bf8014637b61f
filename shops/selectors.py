from __future__ import annotations

from shops.models import Shop, ShopMember


def shop_for_member(*, user) -> Shop | None:
    """The shop a person works for (as owner or staff), whatever its status, or None."""
    if not user.is_authenticated:
        return None
    membership = ShopMember.objects.select_related("shop").filter(user=user).first()
    return membership.shop if membership else None
