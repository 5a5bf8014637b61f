"""The seller center's bulk actions on products, and SKU names generated from a two-dimension spec."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Sku
from catalog.services.products import _refresh_derived, parse_stock, product_locked, product_set_status
from catalog.stock_gate import stock_gate_reopen
from common.errors import InvalidState, NotFound, ValidationFailed
from common.text import clean_text

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
    skus = Sku.objects.filter(product__in=products, is_active=True)
    stock_gate_reopen(sku_ids=list(skus.values_list("id", flat=True)))
    skus.update(stock=count, updated_at=timezone.now())
    for product in products:  # in pk order: the row locks too
        _refresh_derived(product_locked(product_id=product.pk))
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
