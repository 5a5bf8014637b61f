"""An operator's hold on a listing, the seller's review request, and audited category edits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import operator_action_record
from catalog.models import Category, Product
from catalog.services.products import _refresh_derived
from common.errors import InvalidState, NotFound
from common.text import clean_text

# --- moderation: an operator's hold on a listing ------------------------------------------------
#
# An operator delists with a reason; the product is held (Product.moderation) and no seller action
# puts it back on sale. The seller edits it and asks for a review; an operator approves (back on
# sale) or rejects (held, with a new reason). Every decision writes the audit entry and tells the
# seller through catalog.signals.product_moderated.


def _operator_reason(reason: Any, *, required: bool) -> str:
    return clean_text(
        reason,
        field="reason",
        required=required,
        max_length=Product._meta.get_field("moderation_reason").max_length,
        required_message=_("Give the seller a reason."),
    )


def _moderation_lock(product_id: int) -> Product:
    product = Product.objects.select_for_update().select_related("shop", "category").filter(pk=product_id).first()
    if product is None:
        raise NotFound()
    return product


def _product_moderated(product: Product, *, decision: str, reason: str) -> None:
    from catalog.signals import product_moderated

    product_moderated.send(
        sender=Product, product_id=product.pk, shop_id=product.shop_id, decision=decision, reason=reason
    )


@transaction.atomic
def product_operator_delist(*, product_id: int, operator, reason: Any, now: datetime | None = None) -> Product:
    """An operator takes a listing down, with a reason the seller sees; it stays down until approved."""
    now = now or timezone.now()
    reason = _operator_reason(reason, required=True)
    product = _moderation_lock(product_id)
    product.status = Product.Status.DELISTED
    product.moderation = Product.Moderation.DELISTED
    product.moderation_reason = reason
    product.moderated_at = now
    product.review_requested_at = None
    product.review_note = ""
    product.save(
        update_fields=[
            "status",
            "moderation",
            "moderation_reason",
            "moderated_at",
            "review_requested_at",
            "review_note",
            "updated_at",
        ]
    )
    _refresh_derived(product)
    operator_action_record(actor=operator, action="product_delist", obj=product, reason=reason)
    _product_moderated(product, decision="delisted", reason=reason)
    return product


@transaction.atomic
def product_review_request(*, product: Product, note: Any = "", now: datetime | None = None) -> Product:
    """The seller asks an operator to look again at a listing the platform delisted (after editing it)."""
    now = now or timezone.now()
    note = clean_text(note, field="note", max_length=Product._meta.get_field("review_note").max_length)
    product = _moderation_lock(product.pk)
    if product.moderation == Product.Moderation.NONE:
        raise InvalidState(_("This product was not delisted by the platform: there is nothing to review."))
    if product.moderation == Product.Moderation.REVIEW_REQUESTED:
        raise InvalidState(_("A review of this product is already waiting for an operator."))
    product.moderation = Product.Moderation.REVIEW_REQUESTED
    product.review_requested_at = now
    product.review_note = note
    product.save(update_fields=["moderation", "review_requested_at", "review_note", "updated_at"])
    return product


@transaction.atomic
def product_review_approve(*, product_id: int, operator, reason: Any = "", now: datetime | None = None) -> Product:
    """An operator lifts the hold: the product is back on sale (or a draft, if it has no SKU left)."""
    now = now or timezone.now()
    reason = _operator_reason(reason, required=False)
    product = _moderation_lock(product_id)
    if product.moderation == Product.Moderation.NONE:
        raise InvalidState(_("This product is not held by the platform."))
    publishable = product.skus.filter(is_active=True).exists()
    product.status = Product.Status.ACTIVE if publishable else Product.Status.DRAFT
    if publishable and product.published_at is None:
        product.published_at = now
    product.moderation = Product.Moderation.NONE
    product.moderation_reason = ""
    product.moderated_at = now
    product.review_requested_at = None
    product.save(
        update_fields=[
            "status",
            "published_at",
            "moderation",
            "moderation_reason",
            "moderated_at",
            "review_requested_at",
            "updated_at",
        ]
    )
    _refresh_derived(product)
    operator_action_record(actor=operator, action="product_approve", obj=product, reason=reason)
    _product_moderated(product, decision="approved", reason=reason)
    return product


@transaction.atomic
def product_review_reject(*, product_id: int, operator, reason: Any, now: datetime | None = None) -> Product:
    """An operator turns the seller's review request down: still held, with the new reason."""
    now = now or timezone.now()
    reason = _operator_reason(reason, required=True)
    product = _moderation_lock(product_id)
    if product.moderation != Product.Moderation.REVIEW_REQUESTED:
        raise InvalidState(_("No review of this product was requested."))
    product.moderation = Product.Moderation.DELISTED
    product.moderation_reason = reason
    product.moderated_at = now
    product.review_requested_at = None
    product.save(update_fields=["moderation", "moderation_reason", "moderated_at", "review_requested_at", "updated_at"])
    operator_action_record(actor=operator, action="product_review_reject", obj=product, reason=reason)
    _product_moderated(product, decision="rejected", reason=reason)
    return product


@transaction.atomic
def category_operator_save(*, category: Category, operator, fields: list[str], created: bool) -> Category:
    """An operator adds or edits a category in the console (names, place in the tree, commission rate):
    saved with an audit entry, since the commission rate decides what sellers are paid."""
    if created:
        category.save()
    elif fields:
        category.save(update_fields=[*fields, "updated_at"])
    else:
        return category
    operator_action_record(
        actor=operator, action="category_add" if created else "category_edit", obj=category, fields=sorted(fields)
    )
    return category
