"""A shop's profile: opening it, editing it (texts, logo, banner), its followers and its review scores."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils.text import slugify
from pypinyin import lazy_pinyin

from common.files import files_written_first, storage_file_delete_on_commit
from common.images import image_field_file_from_upload
from common.text import clean_text
from shops.errors import ShopAlreadyExists
from shops.models import Shop, ShopFollow, ShopMember

RESERVED_SLUGS = {"open", "new", "admin", "api", "seller"}
SHOP_EDITABLE_FIELDS = ("name", "description", "province", "city", "village", "contact")


def _slug_for(name: str) -> str:
    base = slugify("-".join(lazy_pinyin(name)))[:50].strip("-") or "shop"
    slug = base
    while slug in RESERVED_SLUGS or Shop.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(2)}"
    return slug


def shop_text(value, *, field: str) -> str:
    """A text of the shop's profile, cleaned and checked by its model field's rule (max_length; required
    unless blank; several lines only in a TextField): the rule written once, and the input serializers'
    constraints read it from the same field."""
    model_field = Shop._meta.get_field(field)
    return clean_text(
        value,
        field=field,
        max_length=model_field.max_length,
        required=not model_field.blank,
        multiline=isinstance(model_field, models.TextField),
    )


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
        name=shop_text(name, field="name"),
        description=shop_text(description, field="description"),
        province=shop_text(province, field="province"),
        city=shop_text(city, field="city"),
        village=shop_text(village, field="village"),
        contact=shop_text(contact, field="contact"),
    )
    for field, name in pictures.items():
        setattr(shop, field, name)
    while True:  # each turn that goes on found its slug taken since, so `_slug_for` gives another
        shop.slug = _slug_for(shop.name)
        try:
            with transaction.atomic():
                shop.save(force_insert=True)
                ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
            return shop
        except IntegrityError as exc:
            shop.pk, shop._state.adding = None, True
            if Shop.objects.filter(owner=owner).exists() or ShopMember.objects.filter(user=owner).exists():
                raise ShopAlreadyExists() from exc  # a concurrent twin request of the owner's made it first
            if not Shop.objects.filter(slug=shop.slug).exists():
                raise
            # Another person's shop of the same name took the slug between our look and our INSERT.


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
    fields = []
    for field, value in changes.items():
        if field not in SHOP_EDITABLE_FIELDS or value is None:
            continue
        setattr(shop, field, shop_text(value, field=field))
        fields.append(field)
    fields.extend(pictures)
    if fields:
        shop.save(update_fields=[*fields, "updated_at"])
    for storage, name in replaced:
        storage_file_delete_on_commit(storage, name)
    return shop


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
