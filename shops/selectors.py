from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from shops.models import Shop, ShopMember, StaffInvitation


def shop_for_member(*, user) -> Shop | None:
    """The shop a person works for (as owner or staff), whatever its status, or None."""
    if not user.is_authenticated:
        return None
    membership = ShopMember.objects.select_related("shop").filter(user=user).first()
    return membership.shop if membership else None


def shop_membership(*, user) -> ShopMember | None:
    """The person's membership (with its shop and role), or None."""
    if not user.is_authenticated:
        return None
    return ShopMember.objects.select_related("shop").filter(user=user).first()


def staff_members(*, shop_id: int) -> QuerySet[ShopMember]:
    """Everyone who works for the shop: the owner first ("owner" sorts before "staff"), then staff as they joined."""
    return ShopMember.objects.select_related("user").filter(shop_id=shop_id).order_by("role", "created_at", "id")


def staff_invitations_open(*, shop_id: int) -> QuerySet[StaffInvitation]:
    """The shop's invitations still waiting for an answer (newest first)."""
    return StaffInvitation.objects.select_related("user").filter(
        shop_id=shop_id, status=StaffInvitation.Status.PENDING, expires_at__gt=timezone.now()
    )


def staff_invitations_for_user(*, user) -> QuerySet[StaffInvitation]:
    """Invitations to work for a shop waiting for this person's answer (newest first)."""
    if not user.is_authenticated:
        return StaffInvitation.objects.none()
    return StaffInvitation.objects.select_related("shop", "invited_by").filter(
        user=user, status=StaffInvitation.Status.PENDING, expires_at__gt=timezone.now()
    )
