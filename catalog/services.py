"""Writes for the catalogue: products, SKUs, photos, and stock (the only place stock changes)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Min, ProtectedError
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import OutOfStock
from catalog.models import Category, Product, ProductImage, Sku
from catalog.search import search_document
from common.errors import InvalidState, NotFound, ValidationFailed
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


@transaction.atomic
def product_create(
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
    photos: list | tuple = (),
) -> Product:
    """A product with its SKUs and (from the seller-center form) its photos, all or nothing."""
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
    for photo in photos:
        product_image_add(product=product, upload=photo)
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


@transaction.atomic
def product_update(*, product: Product, skus: Any = None, photos: list | tuple = (), **changes: Any) -> Product:
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
    for photo in photos:
        product_image_add(product=product, upload=photo)
    if changes.get("status") is not None:
        product_set_status(product=product, status=changes["status"])
    else:
        _refresh_derived(product)
    return product


@transaction.atomic
def product_set_status(*, product: Product, status: str, reason: str = "") -> Product:
    """Publish (active), unpublish (draft) or delist; an operator may delist with a reason."""
    if status not in Product.Status.values:
        raise ValidationFailed(fields={"status": [_("One of draft, active, delisted.")]})
    product = Product.objects.select_for_update().select_related("shop", "category").get(pk=product.pk)
    if status == Product.Status.ACTIVE:
        _check_publishable(product)
        if product.published_at is None:
            product.published_at = timezone.now()
    product.status = status
    product.moderation_reason = reason[:300]
    product.save(update_fields=["status", "moderation_reason", "published_at", "updated_at"])
    _refresh_derived(product)
    return product


@transaction.atomic
def product_delete(*, product: Product) -> None:
    """Deletes a product nobody ordered; one that was ordered is delisted and kept for the orders."""
    try:
        with transaction.atomic():
            for image in product.images.all():
                image.image.delete(save=False)
                image.thumbnail.delete(save=False)
            product.delete()
    except ProtectedError:
        product_set_status(product=product, status=Product.Status.DELISTED)
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


@transaction.atomic
def product_image_add(*, product: Product, upload) -> ProductImage:
    """Checks and re-encodes the photo now; the thumbnail is made by a Celery task after commit."""
    if product.images.count() >= MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    content, width, height = sanitize_image(upload)
    image = ProductImage(product=product, width=width, height=height, position=product.images.count())
    image.image.save(content.name, content, save=False)
    image.save()
    from catalog.tasks import product_image_thumbnail_task

    enqueue_on_commit(product_image_thumbnail_task, image.id)  # a lost one: product_image_thumbnails_sweep
    return image


@transaction.atomic
def product_image_thumbnail_make(*, image_id: int) -> None:
    """Idempotent: a second run for an image that has its thumbnail does nothing."""
    from common.images import make_thumbnail

    image = ProductImage.objects.select_for_update().filter(pk=image_id).first()
    if image is None or image.thumbnail:
        return
    with image.image.open("rb") as f:
        thumb = make_thumbnail(f.read())
    image.thumbnail.save(thumb.name, thumb, save=False)
    image.save(update_fields=["thumbnail", "updated_at"])


@transaction.atomic
def product_images_reorder(*, product: Product, image_ids: list[int]) -> None:
    existing = set(product.images.values_list("id", flat=True))
    if set(image_ids) != existing or len(image_ids) != len(existing):
        raise ValidationFailed(fields={"order": [_("List every photo of the product once.")]})
    for position, image_id in enumerate(image_ids):
        ProductImage.objects.filter(pk=image_id, product=product).update(position=position)


def product_image_thumbnails_sweep(*, older_than: timedelta = timedelta(minutes=5), limit: int = 200) -> int:
    """Queues the thumbnail of every photo still without one a while after upload (a lost enqueue, a
    worker that gave up). Idempotent: product_image_thumbnail_make skips a photo that has its thumbnail."""
    from catalog.tasks import product_image_thumbnail_task

    ids = ProductImage.objects.filter(thumbnail="", created_at__lte=timezone.now() - older_than).values_list(
        "id", flat=True
    )[:limit]
    return sum(enqueue_now(product_image_thumbnail_task, image_id) for image_id in ids)


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    image.image.delete(save=False)
    image.thumbnail.delete(save=False)
    image.delete()
