"""Writes for shops: open, edit, approve, suspend, staff, follow."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

from common.errors import InvalidState, ValidationFailed
from common.images import image_field_file_from_upload
from shops.errors import ShopAlreadyExists
from shops.models import Shop, ShopFollow, ShopMember
from shops.signals import shop_status_changed

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


@transaction.atomic
def shop_create(
    *,
    owner,
    name: str,
    description: str = "",
    province: str,
    city: str,
    village: str = "",
    contact: str = "",
    logo=None,
    banner=None,
) -> Shop:
    """Opens a pending shop; an operator approves it before it goes public. One shop per person."""
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
    if logo is not None:
        shop.logo = image_field_file_from_upload(logo, field="logo", max_side=800)
    if banner is not None:
        shop.banner = image_field_file_from_upload(banner, field="banner", max_side=2000)
    try:
        with transaction.atomic():
            shop.save()
            ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    except IntegrityError as exc:  # a concurrent twin request created it first
        raise ShopAlreadyExists() from exc
    return shop


@transaction.atomic
def shop_update(*, shop: Shop, logo=None, banner=None, **changes) -> Shop:
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
    if logo is not None:
        shop.logo = image_field_file_from_upload(logo, field="logo", max_side=800)
        fields.append("logo")
    if banner is not None:
        shop.banner = image_field_file_from_upload(banner, field="banner", max_side=2000)
        fields.append("banner")
    if fields:
        shop.save(update_fields=[*fields, "updated_at"])
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


@transaction.atomic
def shop_staff_add(*, shop: Shop, user) -> ShopMember:
    if ShopMember.objects.filter(user=user).exists():
        raise ValidationFailed(fields={"username": [_("This person already works for a shop.")]})
    return ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)


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
