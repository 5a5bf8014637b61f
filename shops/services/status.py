"""A shop's status: an operator approves or suspends it (with an audit entry and a reason its owner hears),
and the owner of a suspended shop asks for a review.

Every operator decision writes its audit entry here and tells the owner (shop_status_changed, which
notifications connects). A suspended shop stays suspended until an operator approves it: its owner
can only ask for a review (with a note), and an operator approves or rejects (with a reason)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import operator_action_record
from common.errors import InvalidState, NotFound
from common.text import clean_text
from shops.models import Shop
from shops.signals import shop_status_changed

REVIEW_NOTE_MAX_LENGTH = Shop._meta.get_field("review_note").max_length


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


def _operator_reason(reason, *, required: bool) -> str:
    return clean_text(
        reason,
        field="reason",
        required=required,
        max_length=Shop._meta.get_field("status_reason").max_length,
        multiline=False,
        required_message=_("Give the shop's owner a reason."),
    )


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
    note = clean_text(note, field="note", max_length=REVIEW_NOTE_MAX_LENGTH, multiline=False)
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
