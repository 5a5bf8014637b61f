"""The only ways to fetch a shop (and its staff and invitations) a user may not be allowed to see.

Roles: every seller action names the role it needs (`role=OWNER` or `role=STAFF`); an owner may do
everything staff may. Someone who works for no shop gets 404 (the seller space is hidden, as for
another's object); a member of the shop whose role is not enough gets 403 `permission_denied`
(API.md: "authenticated but not allowed an action on your own object"). Staff: products, orders (ship,
answer refunds, reply to reviews) and chat. Owner only: shop settings, money (balance, payouts,
statement) and staff. An invitation that was not accepted gives no access at all.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from common.errors import NotFound
from common.ids import parse_id
from shops.errors import ShopRoleRequired
from shops.models import Shop, ShopMember, StaffInvitation

OWNER = ShopMember.Role.OWNER
STAFF = ShopMember.Role.STAFF
_RANK = {STAFF: 1, OWNER: 2}


def role_allows(have: str, need: str) -> bool:
    """Whether a member with role `have` may do what needs role `need`."""
    return _RANK.get(have, 0) >= _RANK[need]


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


def access_seller_membership(*, user, role: str = STAFF) -> ShopMember:
    """The user's membership (with its shop), if their role allows `role`: 404 without one, 403 below it."""
    if not user.is_authenticated:
        raise NotFound()
    membership = ShopMember.objects.select_related("shop").filter(user=user).first()
    if membership is None:
        raise NotFound(_("You do not have a shop yet."))
    if not role_allows(membership.role, role):
        raise ShopRoleRequired(_("Only the shop's owner can do this."))
    return membership


def access_seller_shop(*, user, role: str = STAFF) -> Shop:
    """The shop the user works for, in any status, if their role allows `role` (see the module's rules)."""
    return access_seller_membership(user=user, role=role).shop


def seller_objects_q(*, user, role: str = STAFF, path: str = "shop") -> Q:
    """A filter for objects of the shop the user works for, through the relation `path` to the shop.

    STAFF needs no extra query (a join on the membership); a higher role checks it first, so a member
    below it gets 403 like everywhere else, not 404."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if role == STAFF:
        return Q(**{f"{path}__members__user": user})
    return Q(**{path: access_seller_shop(user=user, role=role)})


def access_staff_member(*, user, member_id) -> ShopMember:
    """A member of the owner's own shop (owner only)."""
    shop = access_seller_shop(user=user, role=OWNER)
    member = ShopMember.objects.select_related("user").filter(pk=parse_id(member_id), shop=shop).first()
    if member is None:
        raise NotFound()
    return member


def access_shop_invitation(*, user, invitation_id) -> StaffInvitation:
    """An invitation the owner's shop sent (owner only)."""
    shop = access_seller_shop(user=user, role=OWNER)
    invitation = (
        StaffInvitation.objects.select_related("user", "shop").filter(pk=parse_id(invitation_id), shop=shop).first()
    )
    if invitation is None:
        raise NotFound()
    return invitation


def access_my_invitation(*, user, invitation_id) -> StaffInvitation:
    """An invitation sent to this user (in any status: answering a closed one is a 409, not a 404)."""
    if not user.is_authenticated:
        raise NotFound()
    invitation = (
        StaffInvitation.objects.select_related("shop", "invited_by")
        .filter(pk=parse_id(invitation_id), user=user)
        .first()
    )
    if invitation is None:
        raise NotFound()
    return invitation
