"""Staff (Taobao's 子账号): an invitation the invitee accepts or declines, withdrawn by the owner; removal by
the owner; leaving."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import NotFound, ValidationFailed
from common.text import clean_text
from shops.errors import (
    JOINING_ANOTHER_SHOP,
    AlreadyWorksForShop,
    InvitationAlreadyOpen,
    InvitationDeclinedRecently,
    InvitationNotPending,
    InvitationsToPersonLimit,
    OpenInvitationsLimit,
    OwnerStays,
)
from shops.models import Shop, ShopMember, StaffInvitation
from shops.signals import shop_member_left, staff_invitation_sent

STAFF_INVITATION_DAYS = 7
STAFF_PENDING_INVITATIONS_MAX = 20  # open invitations a shop may have at once
STAFF_REINVITE_AFTER_DECLINE_DAYS = 7  # a "no" is not answered by a stream of new invitations
STAFF_INVITATIONS_PER_PERSON_PER_WEEK = 3


# The invitee is named by username or e-mail address: the longest e-mail address.
INVITEE_MAX_LENGTH = 254


def _invitee(who: str) -> User:
    who = clean_text(who, field="user", required=True, max_length=INVITEE_MAX_LENGTH, multiline=False)
    lookup = {"email__iexact": who} if "@" in who else {"username__iexact": who}
    person = User.objects.filter(is_active=True, **lookup).first()
    if person is None:
        raise ValidationFailed(fields={"user": [_("No user with this username or e-mail.")]})
    return person


def _expire_stale_invitations(**filters) -> None:
    StaffInvitation.objects.filter(
        status=StaffInvitation.Status.PENDING, expires_at__lte=timezone.now(), **filters
    ).update(status=StaffInvitation.Status.EXPIRED, updated_at=timezone.now())


@transaction.atomic
def staff_invite(*, shop: Shop, invited_by, who: str) -> StaffInvitation:
    """Invites a user (by username or e-mail) to work for the shop; they become staff only by accepting."""
    person = _invitee(who)
    Shop.objects.select_for_update().filter(pk=shop.pk).first()  # one invitation at a time per shop
    if ShopMember.objects.filter(shop=shop, user=person).exists():
        raise ValidationFailed(fields={"user": [_("This person already works for your shop.")]})
    _expire_stale_invitations(shop=shop)
    if StaffInvitation.objects.filter(shop=shop, user=person, status=StaffInvitation.Status.PENDING).exists():
        raise InvitationAlreadyOpen()
    declined_since = timezone.now() - timedelta(days=STAFF_REINVITE_AFTER_DECLINE_DAYS)
    if StaffInvitation.objects.filter(
        shop=shop, user=person, status=StaffInvitation.Status.DECLINED, answered_at__gt=declined_since
    ).exists():
        raise InvitationDeclinedRecently()
    # Withdrawing and inviting again would otherwise notify the same person without end.
    if (
        StaffInvitation.objects.filter(shop=shop, user=person, created_at__gt=declined_since).count()
        >= STAFF_INVITATIONS_PER_PERSON_PER_WEEK
    ):
        raise InvitationsToPersonLimit()
    if (
        StaffInvitation.objects.filter(shop=shop, status=StaffInvitation.Status.PENDING).count()
        >= STAFF_PENDING_INVITATIONS_MAX
    ):
        raise OpenInvitationsLimit(
            _("Your shop has %(n)d open invitations. Withdraw some first.") % {"n": STAFF_PENDING_INVITATIONS_MAX}
        )
    invitation = StaffInvitation.objects.create(
        shop=shop,
        user=person,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=STAFF_INVITATION_DAYS),
    )
    staff_invitation_sent.send(sender=StaffInvitation, invitation_id=invitation.pk)
    return invitation


def _locked_open_invitation(invitation_id: int) -> StaffInvitation:
    """The invitation, locked, if it can still be answered (a past `expires_at` closes it, whatever the
    status column says: the next invitation to the same person marks it expired)."""
    invitation = StaffInvitation.objects.select_for_update().select_related("shop").get(pk=invitation_id)
    if not invitation.is_open:
        raise InvitationNotPending()
    return invitation


def _close_invitation(invitation: StaffInvitation, status: str) -> StaffInvitation:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at", "updated_at"])
    return invitation


@transaction.atomic
def staff_invitation_accept(*, invitation_id: int, user) -> ShopMember:
    """The invitee says yes and becomes staff. A person works for one shop at a time (409 otherwise)."""
    invitation = _locked_open_invitation(invitation_id)
    if invitation.user_id != user.pk:
        raise InvitationNotPending()
    if ShopMember.objects.filter(user=user).exists():
        raise AlreadyWorksForShop(JOINING_ANOTHER_SHOP)
    try:
        with transaction.atomic():
            member = ShopMember.objects.create(shop=invitation.shop, user=user, role=ShopMember.Role.STAFF)
    except IntegrityError as exc:  # a concurrent accept or shop opening won
        raise AlreadyWorksForShop(JOINING_ANOTHER_SHOP) from exc
    _close_invitation(invitation, StaffInvitation.Status.ACCEPTED)
    return member


@transaction.atomic
def staff_invitation_decline(*, invitation_id: int, user) -> StaffInvitation:
    invitation = _locked_open_invitation(invitation_id)
    if invitation.user_id != user.pk:
        raise InvitationNotPending()
    return _close_invitation(invitation, StaffInvitation.Status.DECLINED)


@transaction.atomic
def staff_invitation_revoke(*, invitation_id: int, shop: Shop) -> StaffInvitation:
    """The owner withdraws an invitation that has not been answered."""
    invitation = _locked_open_invitation(invitation_id)
    if invitation.shop_id != shop.pk:
        raise InvitationNotPending()
    return _close_invitation(invitation, StaffInvitation.Status.REVOKED)


def _membership_end(member: ShopMember, *, reason: str) -> None:
    shop_id, user_id = member.shop_id, member.user_id
    member.delete()
    shop_member_left.send(sender=ShopMember, shop_id=shop_id, user_id=user_id, reason=reason)


@transaction.atomic
def staff_remove(*, member_id: int, shop: Shop) -> None:
    """The owner removes a member of staff, who is a plain user again from this moment."""
    member = ShopMember.objects.select_for_update().filter(pk=member_id, shop=shop).first()
    if member is None:
        raise NotFound()
    if member.role == ShopMember.Role.OWNER:
        raise OwnerStays(_("The owner cannot be removed from their own shop."))
    _membership_end(member, reason="removed")


@transaction.atomic
def staff_leave(*, user) -> None:
    """A member of staff stops working for their shop. The owner cannot leave (409)."""
    member = ShopMember.objects.select_for_update().filter(user=user).first()
    if member is None:
        raise NotFound(_("You do not work for a shop."))
    if member.role == ShopMember.Role.OWNER:
        raise OwnerStays()
    _membership_end(member, reason="left")
