"""Keeping listings' search fields: what describes a listing, read from the database, written back."""

from __future__ import annotations

from django.db import transaction

from catalog.search import listing_search_fields
from catalog.search_text import ListingText


def listing_text(product, *, sku_names: list[str] | None = None) -> ListingText:
    """A product's describing fields (its category and the category's parent, active SKU names, shop)."""
    category = product.category
    parent = category.parent if category.parent_id else None
    if sku_names is None:
        sku_names = list(product.skus.filter(is_active=True).values_list("name", flat=True))
    return ListingText(
        title=product.title,
        category=[category.name, category.name_en, *((parent.name, parent.name_en) if parent else ())],
        skus=sku_names,
        shop=product.shop.name,
        origin=[product.province, product.city, product.village],
        description=product.description,
    )


def reindex(queryset, *, batch: int = 500, with_dictionary: bool = True, out=None) -> int:
    """Rewrites the search fields of every product in `queryset` (any model class with the fields of
    catalog.Product, so migrations can pass their historical one); returns how many."""
    done = 0
    ids = list(queryset.order_by("id").values_list("id", flat=True))
    model = queryset.model
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        products = model.objects.filter(id__in=chunk).select_related("shop", "category__parent")
        names: dict[int, list[str]] = {}
        sku_model = model._meta.get_field("skus").related_model
        for product_id, name in (
            sku_model.objects.filter(product_id__in=chunk, is_active=True).order_by("sort_order", "id")
        ).values_list("product_id", "name"):
            names.setdefault(product_id, []).append(name)
        with transaction.atomic():
            for product in products:
                fields = listing_search_fields(
                    listing_text(product, sku_names=names.get(product.id, [])), with_dictionary=with_dictionary
                )
                model.objects.filter(pk=product.pk).update(**fields)
                done += 1
        if out is not None:
            out.write(f"{done}/{len(ids)}\n")
    return done
