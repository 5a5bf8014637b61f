"""Writes for shops: open, edit, approve, suspend, staff (invite, accept, decline, revoke, remove, leave), follow."""

from __future__ import annotations

import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from accounts.models import User
from accounts.services import operator_action_record
from common.errors import Conflict, InvalidState, NotFound, ValidationFailed
from common.files import files_written_first, storage_file_delete_on_commit
from common.images import image_field_file_from_upload
from shops.errors import AlreadyWorksForShop, InvitationNotPending, ShopAlreadyExists
from shops.models import Shop, ShopFollow, ShopMember, StaffInvitation
from shops.signals import shop_member_left, shop_status_changed, staff_invitation_sent

RESERVED_SLUGS = {"open", "new", "admin", "api", "seller"}
SHOP_EDITABLE_FIELDS = ("name", "description", "province", "city", "village", "contact")


def _slug_for(name: str) -> str:
    base = slugify("-".join(lazy_pinyin(name)))[:50].strip("-") or "shop"
    slug = base
    while slug in RESERVED_SLUGS or Shop.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def _clean_text(value: str, *, field: str, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationFailed(fields={field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return value


_PICTURE_SIDES = {"logo": 800, "banner": 2000}


def _pictures_checked(**uploads) -> dict[str, ContentFile]:
    """The shop's logo and banner, checked and re-encoded (an error names the form field)."""
    return {
        field: image_field_file_from_upload(upload, field=field, max_side=_PICTURE_SIDES[field])
        for field, upload in uploads.items()
        if upload is not None
    }


def shop_create(*, logo=None, banner=None, **fields) -> Shop:
    """Opens a pending shop; an operator approves it before it goes public. One shop per person.

    The logo and banner are stored before the shop's transaction opens, and deleted if it fails."""
    pictures = _pictures_checked(logo=logo, banner=banner)
    with files_written_first() as files:
        names = {field: files.write(Shop(), field, content) for field, content in pictures.items()}
        return _shop_create(pictures=names, **fields)


@transaction.atomic
def _shop_create(
    *,
    owner,
    name: str,
    description: str = "",
    province: str,
    city: str,
    village: str = "",
    contact: str = "",
    pictures: dict[str, str],
) -> Shop:
    if ShopMember.objects.filter(user=owner).exists() or Shop.objects.filter(owner=owner).exists():
        raise ShopAlreadyExists()
    shop = Shop(
        owner=owner,
        name=_clean_text(name, field="name", max_length=60, required=True),
        description=_clean_text(description, field="description", max_length=5000, required=False),
        province=_clean_text(province, field="province", max_length=30, required=True),
        city=_clean_text(city, field="city", max_length=30, required=True),
        village=_clean_text(village, field="village", max_length=60, required=False),
        contact=_clean_text(contact, field="contact", max_length=100, required=False),
    )
    shop.slug = _slug_for(shop.name)
    for field, name in pictures.items():
        setattr(shop, field, name)
    try:
        with transaction.atomic():
            shop.save()
            ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    except IntegrityError as exc:  # a concurrent twin request created it first
        raise ShopAlreadyExists() from exc
    return shop


def shop_update(*, shop: Shop, logo=None, banner=None, **changes) -> Shop:
    """Edits the shop. A new logo or banner is stored before the transaction opens (deleted if it fails);
    the file it replaces is deleted once the change commits."""
    pictures = _pictures_checked(logo=logo, banner=banner)
    replaced = [getattr(shop, field) for field in pictures if getattr(shop, field)]
    replaced = [(field_file.storage, field_file.name) for field_file in replaced]
    with files_written_first() as files:
        for field, content in pictures.items():
            files.write(shop, field, content)
        return _shop_update(shop=shop, pictures=list(pictures), replaced=replaced, **changes)


@transaction.atomic
def _shop_update(*, shop: Shop, pictures: list[str], replaced: list, **changes) -> Shop:
    limits = {
        "name": (60, True),
        "description": (5000, False),
        "province": (30, True),
        "city": (30, True),
        "village": (60, False),
        "contact": (100, False),
    }
    fields = []
    for field, value in changes.items():
        if field not in SHOP_EDITABLE_FIELDS or value is None:
            continue
        max_length, required = limits[field]
        setattr(shop, field, _clean_text(value, field=field, max_length=max_length, required=required))
        fields.append(field)
    fields.extend(pictures)
    if fields:
        shop.save(update_fields=[*fields, "updated_at"])
    for storage, name in replaced:
        storage_file_delete_on_commit(storage, name)
    return shop


def _set_status(*, shop_id: int, status: str, reason: str, allowed_from: set[str]) -> Shop:
    shop = Shop.objects.select_for_update().get(pk=shop_id)
    if shop.status == status:
        return shop
    if shop.status not in allowed_from:
        raise InvalidState()
    shop.status = status
    shop.status_reason = reason[:300]
    fields = ["status", "status_reason", "updated_at"]
    if status == Shop.Status.APPROVED and shop.approved_at is None:
        shop.approved_at = timezone.now()
        fields.append("approved_at")
    shop.save(update_fields=fields)
    # Inside the transaction: catalog hides or shows the shop's products in the same commit;
    # receivers that reach the outside world (notifications) defer themselves with on_commit.
    shop_status_changed.send(sender=Shop, shop_id=shop.id, status=status, reason=reason)
    return shop


@transaction.atomic
def shop_approve(*, shop_id: int, reason: str = "") -> Shop:
    return _set_status(
        shop_id=shop_id,
        status=Shop.Status.APPROVED,
        reason=reason,
        allowed_from={Shop.Status.PENDING, Shop.Status.SUSPENDED},
    )


@transaction.atomic
def shop_suspend(*, shop_id: int, reason: str) -> Shop:
    return _set_status(
        shop_id=shop_id,
        status=Shop.Status.SUSPENDED,
        reason=reason,
        allowed_from={Shop.Status.PENDING, Shop.Status.APPROVED},
    )


# --- staff (Taobao's 子账号): an invitation the invitee accepts; removal by the owner; leaving --------------

STAFF_INVITATION_DAYS = 7
STAFF_PENDING_INVITATIONS_MAX = 20  # open invitations a shop may have at once
STAFF_REINVITE_AFTER_DECLINE_DAYS = 7  # a "no" is not answered by a stream of new invitations
STAFF_INVITATIONS_PER_PERSON_PER_WEEK = 3


def _invitee(who: str) -> User:
    who = (who or "").strip()
    if not who:
        raise ValidationFailed(fields={"user": [_("This field is required.")]})
    if len(who) > 254:
        raise ValidationFailed(fields={"user": [_("At most %(n)d characters.") % {"n": 254}]})
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
        raise Conflict(_("This person already has an open invitation from your shop."))
    declined_since = timezone.now() - timedelta(days=STAFF_REINVITE_AFTER_DECLINE_DAYS)
    if StaffInvitation.objects.filter(
        shop=shop, user=person, status=StaffInvitation.Status.DECLINED, answered_at__gt=declined_since
    ).exists():
        raise Conflict(_("This person declined your invitation recently. Try again in a few days."))
    # Withdrawing and inviting again would otherwise notify the same person without end.
    if (
        StaffInvitation.objects.filter(shop=shop, user=person, created_at__gt=declined_since).count()
        >= STAFF_INVITATIONS_PER_PERSON_PER_WEEK
    ):
        raise Conflict(_("You have invited this person several times this week. Try again in a few days."))
    if (
        StaffInvitation.objects.filter(shop=shop, status=StaffInvitation.Status.PENDING).count()
        >= STAFF_PENDING_INVITATIONS_MAX
    ):
        raise Conflict(
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
        raise InvitationNotPending(_("This invitation is no longer open."))
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
        raise InvitationNotPending(_("This invitation is no longer open."))
    already = _("You already work for a shop. Leave it (or close yours) before joining another.")
    if ShopMember.objects.filter(user=user).exists():
        raise AlreadyWorksForShop(already)
    try:
        with transaction.atomic():
            member = ShopMember.objects.create(shop=invitation.shop, user=user, role=ShopMember.Role.STAFF)
    except IntegrityError as exc:  # a concurrent accept or shop opening won
        raise AlreadyWorksForShop(already) from exc
    _close_invitation(invitation, StaffInvitation.Status.ACCEPTED)
    return member


@transaction.atomic
def staff_invitation_decline(*, invitation_id: int, user) -> StaffInvitation:
    invitation = _locked_open_invitation(invitation_id)
    if invitation.user_id != user.pk:
        raise InvitationNotPending(_("This invitation is no longer open."))
    return _close_invitation(invitation, StaffInvitation.Status.DECLINED)


@transaction.atomic
def staff_invitation_revoke(*, invitation_id: int, shop: Shop) -> StaffInvitation:
    """The owner withdraws an invitation that has not been answered."""
    invitation = _locked_open_invitation(invitation_id)
    if invitation.shop_id != shop.pk:
        raise InvitationNotPending(_("This invitation is no longer open."))
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
        raise InvalidState(_("The owner cannot be removed from their own shop."))
    _membership_end(member, reason="removed")


@transaction.atomic
def staff_leave(*, user) -> None:
    """A member of staff stops working for their shop. The owner cannot leave (409)."""
    member = ShopMember.objects.select_for_update().filter(user=user).first()
    if member is None:
        raise NotFound(_("You do not work for a shop."))
    if member.role == ShopMember.Role.OWNER:
        raise InvalidState(_("You own this shop: an owner cannot leave it."))
    _membership_end(member, reason="left")


@transaction.atomic
def shop_follow_toggle(*, shop: Shop, user) -> bool:
    """Follows or unfollows; returns whether the user now follows the shop."""
    deleted, _details = ShopFollow.objects.filter(shop=shop, user=user).delete()
    if deleted:
        return False
    ShopFollow.objects.get_or_create(shop=shop, user=user)
    return True


@transaction.atomic
def shop_scores_set(
    *,
    shop_id: int,
    rating: Decimal | None,
    as_described: Decimal | None,
    communication: Decimal | None,
    shipping: Decimal | None,
    review_count: int,
) -> None:
    """The shop's public score, computed by the reviews services (orders) and written only here."""
    Shop.objects.filter(pk=shop_id).update(
        rating=rating,
        score_as_described=as_described,
        score_communication=communication,
        score_shipping=shipping,
        review_count=review_count,
    )


# --- operators: approve, suspend, and a suspended shop's review request ------------------------------
#
# Every operator decision writes its audit entry here and tells the owner (shop_status_changed, which
# notifications connects). A suspended shop stays suspended until an operator approves it: its owner
# can only ask for a review (with a note), and an operator approves or rejects (with a reason).


def _operator_reason(reason, *, required: bool) -> str:
    reason = " ".join(reason.split()) if isinstance(reason, str) else ""
    if required and not reason:
        raise ValidationFailed(fields={"reason": [_("Give the shop's owner a reason.")]})
    if len(reason) > 300:
        raise ValidationFailed(fields={"reason": [_("At most %(n)d characters.") % {"n": 300}]})
    return reason


def _review_request_clear(shop: Shop) -> None:
    if shop.review_requested_at is not None or shop.review_note:
        Shop.objects.filter(pk=shop.pk).update(review_requested_at=None, review_note="")
        shop.review_requested_at, shop.review_note = None, ""


@transaction.atomic
def shop_operator_approve(*, shop_id: int, operator, reason="") -> Shop:
    """An operator approves a pending shop, or lifts a suspension (its products go back on sale)."""
    reason = _operator_reason(reason, required=False)
    shop = shop_approve(shop_id=shop_id, reason=reason)
    _review_request_clear(shop)
    operator_action_record(actor=operator, action="shop_approve", obj=shop, reason=reason)
    return shop


@transaction.atomic
def shop_operator_suspend(*, shop_id: int, operator, reason) -> Shop:
    """An operator suspends a shop, with a reason its owner sees; only an operator lifts it."""
    reason = _operator_reason(reason, required=True)
    shop = shop_suspend(shop_id=shop_id, reason=reason)
    _review_request_clear(shop)
    operator_action_record(actor=operator, action="shop_suspend", obj=shop, reason=reason)
    return shop


@transaction.atomic
def shop_review_request(*, shop: Shop, note="", now=None) -> Shop:
    """The owner of a suspended shop asks an operator to look again (after fixing what the reason says)."""
    note = " ".join(note.split()) if isinstance(note, str) else ""
    if len(note) > 500:
        raise ValidationFailed(fields={"note": [_("At most %(n)d characters.") % {"n": 500}]})
    shop = Shop.objects.select_for_update().get(pk=shop.pk)
    if shop.status != Shop.Status.SUSPENDED:
        raise InvalidState(_("Only a suspended shop asks for a review."))
    if shop.review_requested_at is not None:
        raise InvalidState(_("A review of your shop is already waiting for an operator."))
    shop.review_requested_at, shop.review_note = now or timezone.now(), note
    shop.save(update_fields=["review_requested_at", "review_note", "updated_at"])
    return shop


@transaction.atomic
def shop_review_reject(*, shop_id: int, operator, reason) -> Shop:
    """An operator turns the owner's review request down: the shop stays suspended, with the new reason."""
    reason = _operator_reason(reason, required=True)
    shop = Shop.objects.select_for_update().filter(pk=shop_id).first()
    if shop is None:
        raise NotFound()
    if shop.status != Shop.Status.SUSPENDED or shop.review_requested_at is None:
        raise InvalidState(_("No review of this shop was requested."))
    shop.status_reason, shop.review_requested_at, shop.review_note = reason, None, ""
    shop.save(update_fields=["status_reason", "review_requested_at", "review_note", "updated_at"])
    operator_action_record(actor=operator, action="shop_review_reject", obj=shop, reason=reason)
    # The status stays; the owner hears the new reason the same way as at the suspension.
    shop_status_changed.send(sender=Shop, shop_id=shop.id, status=shop.status, reason=reason)
    return shop


@transaction.atomic
def shop_operator_update(*, shop: Shop, operator, fields: list[str]) -> Shop:
    """An operator edits a shop in the console (its texts, images or commission override): saved with an
    audit entry naming the fields that changed."""
    if fields:
        shop.save(update_fields=[*fields, "updated_at"])
        operator_action_record(actor=operator, action="shop_edit", obj=shop, fields=sorted(fields))
    return shop
