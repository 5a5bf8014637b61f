"""Writes for products and their SKUs: validation, create, update, publish, delete."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Count, Min, Model, ProtectedError, Q, TextField
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Category, Product, ProductImage, Sku
from catalog.search import listing_search_fields
from catalog.search_counts import listings_changed
from catalog.search_index import listing_text
from catalog.services.photos import _photos_write, _product_images_record
from catalog.stock_gate import stock_gate_reopen
from common.errors import InvalidState, ValidationFailed
from common.files import file_delete_on_commit, files_written_first
from common.text import clean_text
from shops.models import Shop

MAX_SKUS = 50
MAX_PRICE = Decimal("1000000.00")
# A price as sellers write it: 0.01 … 1000000 with at most two decimals (leading zeros allowed, no sign,
# exponent or spaces). The API's schema states this pattern for every SKU price.
PRICE_PATTERN = r"^0*(?:[1-9][0-9]{0,5}(?:\.[0-9]{1,2})?|\.(?:0[1-9]|[1-9][0-9]?)|1000000(?:\.0{1,2})?)$"
PRICE_RE = re.compile(PRICE_PATTERN)
MAX_STOCK = 1_000_000


# --- validation helpers -------------------------------------------------------------------------


def model_text(model: type[Model], name: str, value: Any, *, field: str | None = None) -> str:
    """A text for `model.name`, cleaned and checked by the model field's rule (max_length; required unless
    blank; several lines only in a TextField): the rule written once, and the API's input serializers read
    their constraints from the same fields. `field` names it in an error (default: `name`)."""
    model_field = model._meta.get_field(name)
    return clean_text(
        value,
        field=field or name,
        max_length=model_field.max_length,
        required=not model_field.blank,
        multiline=isinstance(model_field, TextField),
    )


def parse_price(value: Any, *, field: str = "price") -> Decimal:
    """A SKU's price: a decimal string ("28.00", "9.9"), more than 0, at most MAX_PRICE, two decimals at most,
    as PRICE_PATTERN says (the API's schema states the same pattern); a Decimal from our own code too."""
    if isinstance(value, Decimal):
        price = value
    elif isinstance(value, str) and PRICE_RE.fullmatch(value):
        price = Decimal(value)
    elif isinstance(value, str):
        try:
            Decimal(value.strip())
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed(fields={field: [_("Not a valid price.")]}) from exc
        price = Decimal(0)  # a number, but not one a price can be: the range's message below
    else:
        raise ValidationFailed(fields={field: [_('Give the price as a decimal string such as "28.00".')]})
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
                "name": model_text(Sku, "name", spec.get("name"), field=f"skus[{index}].name"),
                "price": parse_price(spec.get("price"), field=f"skus[{index}].price"),
                "stock": parse_stock(spec.get("stock", 0), field=f"skus[{index}].stock"),
            }
        )
    return specs


# --- products -----------------------------------------------------------------------------------


def _refresh_derived(product: Product) -> None:
    """Lowest price, in stock, visibility and the search fields (catalog.search), from the product's current
    state. Callers hold the product's row lock (select_for_update) or created it: the SKUs are read after the
    lock, so a checkout that sells a SKU out at the same time recounts after this commits (stock_reserve)."""
    on_sale = product.skus.filter(is_active=True).aggregate(m=Min("price"), stocked=Count("id", filter=Q(stock__gt=0)))
    product.price_min = on_sale["m"] or Decimal("0.00")
    product.in_stock = bool(on_sale["stocked"])
    product.visible = product.status == Product.Status.ACTIVE and product.shop.status == Shop.Status.APPROVED
    fields = listing_search_fields(listing_text(product))
    for name, value in fields.items():
        setattr(product, name, value)
    product.save(update_fields=["price_min", "in_stock", "visible", *fields, "updated_at"])
    product.__dict__.pop("search_vector", None)  # it held the expression: deferred now, read if asked for
    shop_product_count_refresh(shop_id=product.shop_id)


def product_locked(*, product_id: int) -> Product:
    """The product with its shop and category, its row locked (only its own: not the shop's or the category's)
    until the transaction ends: what _refresh_derived's callers read it with."""
    return Product.objects.select_for_update(of=("self",)).select_related("shop", "category").get(pk=product_id)


def product_and_skus_locked(*, product_id: int) -> Product:
    """product_locked for writers that change the product's SKUs after locking it (the product form, deleting a
    SKU): its SKUs' rows are locked first, in pk order, then the product's — the order a checkout takes them in
    (stock_reserve: the SKUs, then the product when one sells out), so an edit and a sell-out cannot deadlock."""
    list(Sku.objects.select_for_update().filter(product_id=product_id).order_by("pk").values_list("pk", flat=True))
    return product_locked(product_id=product_id)


def shop_product_count_refresh(*, shop_id: int) -> None:
    """The shop's count of listings on sale; called whenever one of its listings changed (_refresh_derived,
    a delete, the shop's own status), so the listings' version changes too (cached counts)."""
    listings_changed()
    Shop.objects.filter(pk=shop_id).update(product_count=Product.objects.filter(shop_id=shop_id, visible=True).count())


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
        title=model_text(Product, "title", title),
        description=model_text(Product, "description", description),
        category=_category(category),
        # The origin defaults to the shop's: most sellers sell what they grow or make at home.
        province=model_text(Product, "province", province if province is not None else shop.province),
        city=model_text(Product, "city", city if city is not None else shop.city),
        village=model_text(Product, "village", village if village is not None else shop.village),
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
            stock_gate_reopen(sku_ids=[int(sku_id)])
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
    product = product_and_skus_locked(product_id=product.pk)
    fields: list[str] = []
    for field in ("title", "description", "province", "city", "village"):
        if field in changes and changes[field] is not None:
            setattr(product, field, model_text(Product, field, changes[field]))
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
        name=model_text(Sku, "name", name),
        price=parse_price(price),
        stock=parse_stock(stock),
        sort_order=product.skus.count(),
    )
    _refresh_derived(product_locked(product_id=product.pk))
    return sku


@transaction.atomic
def sku_update(*, sku: Sku, name: Any = None, price: Any = None, stock: Any = None) -> Sku:
    """Edits a SKU. Stock set here is the seller's count; checkout changes it only by conditional updates."""
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = model_text(Sku, "name", name)
    if price is not None:
        values["price"] = parse_price(price)
    if stock is not None:
        values["stock"] = parse_stock(stock)
    if values:
        Sku.objects.filter(pk=sku.pk).update(**values, updated_at=timezone.now())
        stock_gate_reopen(sku_ids=[sku.pk])  # the stock (or the name a sold-out answer shows) changed
        sku.refresh_from_db()
        _refresh_derived(product_locked(product_id=sku.product_id))
    return sku


@transaction.atomic
def sku_delete(*, sku: Sku) -> None:
    product = product_and_skus_locked(product_id=sku.product_id)
    remaining = product.skus.filter(is_active=True).exclude(pk=sku.pk)
    if product.status == Product.Status.ACTIVE and not remaining.exists():
        raise InvalidState(_("A product on sale keeps at least one SKU; delist it first."))
    try:
        with transaction.atomic():
            sku.delete()
    except ProtectedError:
        Sku.objects.filter(pk=sku.pk).update(is_active=False, updated_at=timezone.now())
    _refresh_derived(product)
