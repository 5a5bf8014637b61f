"""Writes for the catalogue: products, SKUs, photos, and stock (the only place stock changes)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Min, ProtectedError
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.services import operator_action_record
from catalog.errors import OutOfStock
from catalog.models import Category, Product, ProductImage, Sku
from catalog.search import search_document
from common.errors import InvalidState, NotFound, ValidationFailed
from common.files import FileWrites, file_delete_on_commit, files_written_first
from common.images import sanitize_image
from common.tasks import enqueue_now, enqueue_on_commit
from common.text import clean_text
from shops.models import Shop

MAX_SKUS = 50
MAX_IMAGES = 12
MAX_PRICE = Decimal("1000000.00")
MAX_STOCK = 1_000_000


# --- validation helpers -------------------------------------------------------------------------


def _text(value: Any, *, field: str, max_length: int, required: bool, multiline: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed(fields={field: [_("Must be text.")]})
    value = clean_text(value, multiline=multiline)
    if required and not value:
        raise ValidationFailed(fields={field: [_("This field is required.")]})
    if len(value) > max_length:
        raise ValidationFailed(fields={field: [_("At most %(n)d characters.") % {"n": max_length}]})
    return value


def parse_price(value: Any, *, field: str = "price") -> Decimal:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ValidationFailed(fields={field: [_('Give the price as a decimal string such as "28.00".')]})
    try:
        price = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(fields={field: [_("Not a valid price.")]}) from exc
    if not price.is_finite() or price <= 0 or price > MAX_PRICE or price != price.quantize(Decimal("0.01")):
        raise ValidationFailed(fields={field: [_("A price is more than 0, at most 1,000,000, with two decimals.")]})
    return price.quantize(Decimal("0.01"))


def parse_stock(value: Any, *, field: str = "stock") -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed(fields={field: [_("Stock is a whole number.")]})
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValidationFailed(fields={field: [_("Stock is a whole number of 0 or more.")]})
        value = int(value.strip())
    if value < 0 or value > MAX_STOCK:
        raise ValidationFailed(fields={field: [_("Stock is between 0 and 1,000,000.")]})
    return value


def _category(value: Any) -> Category:
    if isinstance(value, Category):
        return value
    try:
        category = Category.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        category = None
    if category is None:
        raise ValidationFailed(fields={"category": [_("Choose a category.")]})
    return category


def _sku_specs(skus: Any) -> list[dict]:
    if not isinstance(skus, list) or not skus:
        raise ValidationFailed(fields={"skus": [_("Add at least one SKU (a name, a price and the stock).")]})
    if len(skus) > MAX_SKUS:
        raise ValidationFailed(fields={"skus": [_("At most %(n)d SKUs.") % {"n": MAX_SKUS}]})
    specs = []
    for index, spec in enumerate(skus):
        if not isinstance(spec, Mapping):
            raise ValidationFailed(fields={"skus": [_("SKU %(i)d is not an object.") % {"i": index + 1}]})
        specs.append(
            {
                "name": _text(spec.get("name"), field=f"skus[{index}].name", max_length=60, required=True),
                "price": parse_price(spec.get("price"), field=f"skus[{index}].price"),
                "stock": parse_stock(spec.get("stock", 0), field=f"skus[{index}].stock"),
            }
        )
    return specs


# --- products -----------------------------------------------------------------------------------


def _refresh_derived(product: Product) -> None:
    """Lowest price, visibility and the search document, from the product's current state."""
    product.price_min = product.skus.filter(is_active=True).aggregate(m=Min("price"))["m"] or Decimal("0.00")
    product.visible = product.status == Product.Status.ACTIVE and product.shop.status == Shop.Status.APPROVED
    category = product.category
    parent = category.parent if category.parent_id else None
    product.search_document = search_document(
        [
            product.title,
            category.name,
            category.name_en,
            parent.name if parent else "",
            parent.name_en if parent else "",
            product.province,
            product.city,
            product.village,
            product.shop.name,
            " ".join(product.skus.filter(is_active=True).values_list("name", flat=True)),
        ]
    )
    product.save(update_fields=["price_min", "visible", "search_document", "updated_at"])
    shop_product_count_refresh(shop_id=product.shop_id)


def shop_product_count_refresh(*, shop_id: int) -> None:
    Shop.objects.filter(pk=shop_id).update(product_count=Product.objects.filter(shop_id=shop_id, visible=True).count())


def _check_publishable(product: Product) -> None:
    if not product.skus.filter(is_active=True).exists():
        raise ValidationFailed(fields={"skus": [_("A product on sale needs at least one SKU.")]})


def product_create(*, photos: Sequence[Any] = (), **fields: Any) -> Product:
    """A product with its SKUs and (from the seller-center form) its photos, all or nothing. The photos
    are stored before the product's transaction opens, and deleted again if it fails."""
    with files_written_first() as files:
        return _product_create(images=_photos_write(files, photos), **fields)


@transaction.atomic
def _product_create(
    *,
    shop: Shop,
    title: Any,
    description: Any = "",
    category: Any,
    province: Any = None,
    city: Any = None,
    village: Any = None,
    skus: Any,
    status: Any = Product.Status.DRAFT,
    images: Sequence[ProductImage] = (),
) -> Product:
    if status not in (Product.Status.DRAFT, Product.Status.ACTIVE):
        raise ValidationFailed(fields={"status": [_('A new product is "draft" or "active".')]})
    specs = _sku_specs(skus)
    product = Product.objects.create(
        shop=shop,
        title=_text(title, field="title", max_length=120, required=True),
        description=_text(description, field="description", max_length=10_000, required=False, multiline=True),
        category=_category(category),
        # The origin defaults to the shop's: most sellers sell what they grow or make at home.
        province=_text(
            province if province is not None else shop.province, field="province", max_length=30, required=False
        ),
        city=_text(city if city is not None else shop.city, field="city", max_length=30, required=False),
        village=_text(village if village is not None else shop.village, field="village", max_length=60, required=False),
        status=status,
        published_at=timezone.now() if status == Product.Status.ACTIVE else None,
    )
    Sku.objects.bulk_create([Sku(product=product, sort_order=i, **spec) for i, spec in enumerate(specs)])
    _product_images_record(product=product, images=images)
    _refresh_derived(product)
    return product


@transaction.atomic
def product_skus_sync(*, product: Product, skus: Any) -> None:
    """The seller-center form's SKU rows: [{id?, name, price, stock, delete?}] → create, edit, remove."""
    if not isinstance(skus, list):
        raise ValidationFailed(fields={"skus": [_("A list of SKUs.")]})
    existing = {sku.id: sku for sku in product.skus.filter(is_active=True)}
    kept = [row for row in skus if not row.get("delete")]
    specs = _sku_specs([{k: row.get(k) for k in ("name", "price", "stock")} for row in kept])
    for row, spec in zip(kept, specs, strict=True):
        sku_id = row.get("id")
        if sku_id and int(sku_id) in existing:
            Sku.objects.filter(pk=sku_id).update(**spec, updated_at=timezone.now())
        elif not sku_id:
            Sku.objects.create(product=product, sort_order=len(existing), **spec)
    for row in skus:
        if row.get("delete") and row.get("id") and int(row["id"]) in existing:
            try:
                with transaction.atomic():
                    existing[int(row["id"])].delete()
            except ProtectedError:
                Sku.objects.filter(pk=row["id"]).update(is_active=False, updated_at=timezone.now())


def product_update(*, product: Product, photos: Sequence[Any] = (), **changes: Any) -> Product:
    """Edits a product; new photos are stored before its transaction opens, and deleted if it fails."""
    with files_written_first() as files:
        return _product_update(product=product, images=_photos_write(files, photos), **changes)


@transaction.atomic
def _product_update(
    *, product: Product, skus: Any = None, images: Sequence[ProductImage] = (), **changes: Any
) -> Product:
    product = Product.objects.select_for_update().select_related("shop", "category").get(pk=product.pk)
    fields: list[str] = []
    limits = {
        "title": (120, True, False),
        "description": (10_000, False, True),
        "province": (30, False, False),
        "city": (30, False, False),
        "village": (60, False, False),
    }
    for field, (max_length, required, multiline) in limits.items():
        if field in changes and changes[field] is not None:
            setattr(
                product,
                field,
                _text(changes[field], field=field, max_length=max_length, required=required, multiline=multiline),
            )
            fields.append(field)
    if changes.get("category") is not None:
        product.category = _category(changes["category"])
        fields.append("category")
    if fields:
        product.save(update_fields=[*fields, "updated_at"])
    if skus is not None:
        product_skus_sync(product=product, skus=skus)
    _product_images_record(product=product, images=images)
    if changes.get("status") is not None:
        product_set_status(product=product, status=changes["status"])
    else:
        _refresh_derived(product)
    return product


@transaction.atomic
def product_set_status(*, product: Product, status: str) -> Product:
    """The seller publishes (active), unpublishes (draft) or delists. A product the platform delisted
    stays delisted: only an operator's approval of a review request lifts that (product_review_approve)."""
    if status not in Product.Status.values:
        raise ValidationFailed(fields={"status": [_("One of draft, active, delisted.")]})
    product = Product.objects.select_for_update().select_related("shop", "category").get(pk=product.pk)
    if product.moderation != Product.Moderation.NONE:
        if status == Product.Status.DELISTED:
            return product
        raise product_held_error(product)
    if status == Product.Status.ACTIVE:
        _check_publishable(product)
        if product.published_at is None:
            product.published_at = timezone.now()
    product.status = status
    product.save(update_fields=["status", "published_at", "updated_at"])
    _refresh_derived(product)
    return product


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Deletes a product nobody ordered, and its photo files once that commits; one that was ordered is
    delisted and kept, photos and all, for the orders (the files are never touched inside the transaction)."""
    images = list(product.images.all())
    try:
        with transaction.atomic():
            product.delete()
    except ProtectedError:
        product_set_status(product=product, status=Product.Status.DELISTED)
    else:
        for image in images:
            file_delete_on_commit(image.image)
            file_delete_on_commit(image.thumbnail)
    shop_product_count_refresh(shop_id=product.shop_id)


def products_visibility_for_shop(*, shop_id: int, shop_approved: bool) -> int:
    """The shop's status changed: its active products follow (one UPDATE)."""
    products = Product.objects.filter(shop_id=shop_id)
    if shop_approved:
        changed = products.filter(status=Product.Status.ACTIVE).update(visible=True)
    else:
        changed = products.filter(visible=True).update(visible=False)
    shop_product_count_refresh(shop_id=shop_id)
    return changed


# --- SKUs ---------------------------------------------------------------------------------------


@transaction.atomic
def sku_create(*, product: Product, name: Any, price: Any, stock: Any = 0) -> Sku:
    if product.skus.filter(is_active=True).count() >= MAX_SKUS:
        raise ValidationFailed(fields={"skus": [_("At most %(n)d SKUs.") % {"n": MAX_SKUS}]})
    sku = Sku.objects.create(
        product=product,
        name=_text(name, field="name", max_length=60, required=True),
        price=parse_price(price),
        stock=parse_stock(stock),
        sort_order=product.skus.count(),
    )
    _refresh_derived(Product.objects.select_related("shop", "category").get(pk=product.pk))
    return sku


@transaction.atomic
def sku_update(*, sku: Sku, name: Any = None, price: Any = None, stock: Any = None) -> Sku:
    """Edits a SKU. Stock set here is the seller's count; checkout changes it only by conditional updates."""
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _text(name, field="name", max_length=60, required=True)
    if price is not None:
        values["price"] = parse_price(price)
    if stock is not None:
        values["stock"] = parse_stock(stock)
    if values:
        Sku.objects.filter(pk=sku.pk).update(**values, updated_at=timezone.now())
        sku.refresh_from_db()
        _refresh_derived(Product.objects.select_related("shop", "category").get(pk=sku.product_id))
    return sku


@transaction.atomic
def sku_delete(*, sku: Sku) -> None:
    product = Product.objects.select_related("shop", "category").get(pk=sku.product_id)
    remaining = product.skus.filter(is_active=True).exclude(pk=sku.pk)
    if product.status == Product.Status.ACTIVE and not remaining.exists():
        raise InvalidState(_("A product on sale keeps at least one SKU; delist it first."))
    try:
        with transaction.atomic():
            sku.delete()
    except ProtectedError:
        Sku.objects.filter(pk=sku.pk).update(is_active=False, updated_at=timezone.now())
    _refresh_derived(product)


# --- stock --------------------------------------------------------------------------------------


def _normalise(items: Mapping[int, int]) -> list[tuple[int, int]]:
    pairs = sorted((int(sku_id), int(qty)) for sku_id, qty in items.items())
    for _sku_id, qty in pairs:
        if qty <= 0:
            raise ValidationFailed(fields={"quantity": [_("Quantities are positive.")]})
    return pairs


@transaction.atomic(savepoint=False)  # all or nothing with its caller: an OutOfStock rolls back the checkout
def stock_reserve(*, items: Mapping[int, int]) -> None:
    """Takes `qty` of each SKU, all or nothing, with conditional updates (`stock >= qty`).

    Two statements whatever the number of SKUs: lock the rows in pk order (so concurrent checkouts
    over the same SKUs cannot deadlock), then one UPDATE. A single SKU skips the lock: the
    conditional UPDATE alone is both correct and fastest on a hot row.
    """
    pairs = _normalise(items)
    if not pairs:
        return
    ids = [sku_id for sku_id, _qty in pairs]
    quantities = [qty for _sku_id, qty in pairs]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if len(pairs) > 1:
                cursor.execute("SELECT id FROM catalog_sku WHERE id = ANY(%s) ORDER BY id FOR UPDATE", [ids])
            cursor.execute(
                """
                UPDATE catalog_sku AS s SET stock = s.stock - v.qty, updated_at = now()
                FROM unnest(%s::bigint[], %s::integer[]) AS v(id, qty)
                WHERE s.id = v.id AND s.stock >= v.qty AND s.is_active
                RETURNING s.id
                """,
                [ids, quantities],
            )
            taken = {row[0] for row in cursor.fetchall()}
    else:
        taken = set()
        for sku_id, qty in pairs:
            if Sku.objects.filter(pk=sku_id, stock__gte=qty, is_active=True).update(stock=F("stock") - qty):
                taken.add(sku_id)
    if len(taken) != len(pairs):
        # The first SKU (in pk order) that could not be taken; the transaction rolls back the rest.
        missing = next(sku_id for sku_id in ids if sku_id not in taken)
        row = Sku.objects.filter(pk=missing).values("stock", "is_active").first()
        available = row["stock"] if row and row["is_active"] else 0
        raise OutOfStock(sku_id=missing, available=available)


@transaction.atomic
def stock_release(*, items: Mapping[int, int]) -> None:
    """Gives reserved stock back (a cancelled order, returned goods). One UPDATE."""
    pairs = _normalise(items)
    if not pairs:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE catalog_sku AS s SET stock = s.stock + v.qty, updated_at = now()
                FROM unnest(%s::bigint[], %s::integer[]) AS v(id, qty) WHERE s.id = v.id
                """,
                [[p[0] for p in pairs], [p[1] for p in pairs]],
            )
    else:
        for sku_id, qty in pairs:
            Sku.objects.filter(pk=sku_id).update(stock=F("stock") + qty)


@transaction.atomic
def product_sales_add(*, items: Mapping[int, int]) -> None:
    """Adds sold quantities to products' sales counts ({product_id: qty}); negative takes back (a refunded
    sale), never below zero."""
    for product_id, qty in sorted(items.items()):
        if qty:
            Product.objects.filter(pk=product_id).update(sales_count=Greatest(F("sales_count") + qty, 0))


@transaction.atomic
def product_rating_set(*, product_id: int, rating: Decimal | None, review_count: int) -> None:
    Product.objects.filter(pk=product_id).update(rating=rating, review_count=review_count)


# --- photos -------------------------------------------------------------------------------------


def product_image_add(*, product: Product, upload) -> ProductImage:
    """Checks and re-encodes the photo, stores it, then records it (a failed record deletes the file);
    the thumbnail is made by a Celery task after commit."""
    if product.images.count() >= MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    with files_written_first() as files:
        images = _photos_write(files, [upload])
        _product_images_record(product=product, images=images)
    return images[0]


def _photos_write(files: FileWrites, uploads: Sequence[Any]) -> list[ProductImage]:
    """Checks and re-encodes every photo first (one bad photo: nothing is stored), then stores them.
    Called with no transaction open; the rows are made by _product_images_record."""
    if len(uploads) > MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    checked = [sanitize_image(upload) for upload in uploads]
    images = []
    for content, width, height in checked:
        image = ProductImage(width=width, height=height)
        files.write(image, "image", content)
        images.append(image)
    return images


@transaction.atomic
def _product_images_record(*, product: Product, images: Sequence[ProductImage]) -> None:
    if not images:
        return
    count = product.images.count()
    if count + len(images) > MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    from catalog.tasks import product_image_thumbnail_task

    for position, image in enumerate(images, start=count):
        image.product = product
        image.position = position
        image.save()
        enqueue_on_commit(product_image_thumbnail_task, image.id)  # a lost one: product_image_thumbnails_sweep


def product_image_thumbnail_make(*, image_id: int) -> None:
    """Idempotent: a photo that has its thumbnail is skipped. The thumbnail is stored before the
    conditional UPDATE that records it, and deleted again if another run recorded one first."""
    from common.images import make_thumbnail

    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.thumbnail:
        return
    with image.image.open("rb") as f:
        thumb = make_thumbnail(f.read())
    with files_written_first() as files:
        name = files.write(image, "thumbnail", thumb)
        recorded = ProductImage.objects.filter(pk=image_id, thumbnail="").update(
            thumbnail=name, updated_at=timezone.now()
        )
    if not recorded:  # the photo is gone, or another run was first
        files.discard()


def product_image_thumbnails_sweep(*, older_than: timedelta = timedelta(minutes=5), limit: int = 200) -> int:
    """Queues the thumbnail of every photo still without one a while after upload (a lost enqueue, a
    worker that gave up). Idempotent: product_image_thumbnail_make skips a photo that has its thumbnail."""
    from catalog.tasks import product_image_thumbnail_task

    ids = ProductImage.objects.filter(thumbnail="", created_at__lte=timezone.now() - older_than).values_list(
        "id", flat=True
    )[:limit]
    return sum(enqueue_now(product_image_thumbnail_task, image_id) for image_id in ids)


@transaction.atomic
def product_images_reorder(*, product: Product, image_ids: list[int]) -> None:
    existing = set(product.images.values_list("id", flat=True))
    if set(image_ids) != existing or len(image_ids) != len(existing):
        raise ValidationFailed(fields={"order": [_("List every photo of the product once.")]})
    for position, image_id in enumerate(image_ids):
        ProductImage.objects.filter(pk=image_id, product=product).update(position=position)


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """The row goes now; its files once that commits (the names as stored: a thumbnail may be newer
    than the caller's copy of the row)."""
    image = ProductImage.objects.filter(pk=image.pk).first()
    if image is None:
        return
    image.delete()
    file_delete_on_commit(image.image)
    file_delete_on_commit(image.thumbnail)


# --- moderation: an operator's hold on a listing ------------------------------------------------
#
# An operator delists with a reason; the product is held (Product.moderation) and no seller action
# puts it back on sale. The seller edits it and asks for a review; an operator approves (back on
# sale) or rejects (held, with a new reason). Every decision writes the audit entry and tells the
# seller through catalog.signals.product_moderated.


def product_held_error(product: Product) -> InvalidState:
    if product.moderation == Product.Moderation.REVIEW_REQUESTED:
        return InvalidState(
            _("Delisted by the platform: %(reason)s. Your review request is waiting for an operator.")
            % {"reason": product.moderation_reason}
        )
    return InvalidState(
        _("Delisted by the platform: %(reason)s. Edit the product and ask for a review.")
        % {"reason": product.moderation_reason}
    )


def _operator_reason(reason: Any, *, required: bool) -> str:
    reason = clean_text(reason) if isinstance(reason, str) else ""
    if required and not reason:
        raise ValidationFailed(fields={"reason": [_("Give the seller a reason.")]})
    if len(reason) > 300:
        raise ValidationFailed(fields={"reason": [_("At most %(n)d characters.") % {"n": 300}]})
    return reason


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
    note = _text(note, field="note", max_length=500, required=False, multiline=True)
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


# --- the seller center's bulk actions ----------------------------------------------------------------

BULK_MAX = 100  # a page of the product list is 20; a bulk action takes at most this many products


@dataclass(frozen=True)
class BulkOutcome:
    done: list[Product]
    refused: list[tuple[Product, str]]  # the product and why, in the request's language


def _bulk_products(*, shop_id: int, product_ids: Any) -> list[Product]:
    """The shop's products among `product_ids` (ids of other shops' products are not there: 404)."""
    if not isinstance(product_ids, list | tuple) or not product_ids:
        raise ValidationFailed(fields={"products": [_("Choose at least one product.")]})
    if len(product_ids) > BULK_MAX:
        raise ValidationFailed(fields={"products": [_("At most %(n)d products at once.") % {"n": BULK_MAX}]})
    try:
        ids = sorted({int(i) for i in product_ids})
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(fields={"products": [_("Choose products from the list.")]}) from exc
    products = list(Product.objects.filter(shop_id=shop_id, pk__in=ids).order_by("pk"))
    if len(products) != len(ids):
        raise NotFound()
    return products


@transaction.atomic
def products_bulk_set_status(*, shop_id: int, product_ids: Any, status: Any) -> BulkOutcome:
    """Publishes or delists several products; each goes through product_set_status (so a product the
    platform holds, or one without a SKU, stays as it was and is reported, not published)."""
    if status not in (Product.Status.ACTIVE, Product.Status.DELISTED):
        raise ValidationFailed(fields={"status": [_("Choose publish or delist.")]})
    products = _bulk_products(shop_id=shop_id, product_ids=product_ids)
    done, refused = [], []
    for product in products:
        try:
            with transaction.atomic():
                done.append(product_set_status(product=product, status=status))
        except (ValidationFailed, InvalidState) as exc:
            refused.append((product, next(iter(exc.fields.values()))[0] if exc.fields else exc.message))
    return BulkOutcome(done=done, refused=refused)


@transaction.atomic
def products_bulk_set_stock(*, shop_id: int, product_ids: Any, stock: Any) -> BulkOutcome:
    """Sets the stock of every SKU on sale of several products to one count (e.g. a new harvest)."""
    count = parse_stock(stock)
    products = _bulk_products(shop_id=shop_id, product_ids=product_ids)
    Sku.objects.filter(product__in=products, is_active=True).update(stock=count, updated_at=timezone.now())
    for product in products:
        _refresh_derived(Product.objects.select_related("shop", "category").get(pk=product.pk))
    return BulkOutcome(done=products, refused=[])


def spec_combinations(*, first: Any, second: Any = "") -> list[str]:
    """SKU names from a one- or two-dimension spec: "500 g, 1 kg" × "微辣, 特辣" gives "500 g / 微辣", …
    Values are separated by commas (also ，、 or new lines); at most 50 SKUs, 60 characters each."""

    def values(text: Any) -> list[str]:
        if not isinstance(text, str):
            return []
        parts = [clean_text(p, multiline=False) for p in re.split(r"[,，、;；\n]", text)]
        return list(dict.fromkeys(p for p in parts if p))

    a, b = values(first), values(second)
    if not a:
        raise ValidationFailed(fields={"spec_first": [_("Give at least one value, e.g. 500 g, 1 kg.")]})
    names = [f"{x} / {y}" for x in a for y in b] if b else a
    if len(names) > 50:
        message = _("At most 50 SKUs: this spec makes %(n)d.") % {"n": len(names)}
        raise ValidationFailed(fields={"spec_first": [message]})
    if any(len(name) > 60 for name in names):
        raise ValidationFailed(fields={"spec_first": [_("Each SKU name is at most 60 characters.")]})
    return names
