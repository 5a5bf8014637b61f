"""The only ways to fetch a show a user may not be allowed to see or act on.

Seller actions: anyone working for the shop (STAFF) runs its shows; a room moderator the shop named may
moderate (role=MODERATOR) but never sees the stream key. Another shop's show, or a show that is not
there, is 404 alike.
"""

from __future__ import annotations

from common.errors import NotFound
from live.models import RoomModerator, Show
from shops.access import STAFF, access_seller_shop, parse_id

MODERATOR = "moderator"


def access_seller_show(*, user, show_id, role: str = STAFF) -> Show:
    """A show of the shop the user works for (role STAFF or OWNER, as shops.access), or, with
    role=MODERATOR, also a show of a shop that named the user a room moderator."""
    pk = parse_id(show_id)
    if role == MODERATOR:
        if not user.is_authenticated:
            raise NotFound()
        show = Show.objects.select_related("shop").filter(pk=pk).first()
        if show is None:
            raise NotFound()
        if show.shop.members.filter(user=user).exists():
            return show
        if RoomModerator.objects.filter(shop_id=show.shop_id, user=user).exists():
            return show
        raise NotFound()
    shop = access_seller_shop(user=user, role=role)
    show = Show.objects.select_related("shop").filter(pk=pk, shop=shop).first()
    if show is None:
        raise NotFound()
    return show


def access_public_show(*, user, show_id) -> Show:
    """A show of an approved shop for everyone; a hidden shop's show only for its own people."""
    pk = parse_id(show_id)
    show = Show.objects.select_related("shop").filter(pk=pk).first()
    if show is None:
        raise NotFound()
    if show.shop.is_public:
        return show
    if user is not None and user.is_authenticated and show.shop.members.filter(user=user).exists():
        return show
    raise NotFound()
