"""Reads for the catalogue: categories, public product lists and search, product pages."""

from __future__ import annotations

import contextlib
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Prefetch, QuerySet
from redis.exceptions import RedisError

from catalog.fast_paths import product_search, search_ranks_by_relevance, skus_for_checkout
from catalog.models import Category, Product, ProductImage, Sku

# checkout's SKU read is a measured fast path (catalog/fast_paths.py); orders reads it from here.
__all__ = ["skus_for_checkout"]

ORDERINGS = {
    "price": ["price_min", "id"],
    "-price": ["-price_min", "-id"],
    "-sales": ["-sales_count", "-id"],
    "-rating": ["-rating", "-id"],
    "-created": ["-created_at", "-id"],
}


def category_tree() -> list[dict]:
    """[{id, name, name_en, slug, icon, children: [...]}], cached briefly (operators rarely change it)."""
    tree = cache.get("catalog:category-tree")
    if tree is None:
        nodes = {
            c.id: {
                "id": c.id,
                "name": c.name,
                "name_en": c.name_en,
                "slug": c.slug,
                "icon": c.icon,
                "parent": c.parent_id,
                "children": [],
            }
            for c in Category.objects.all()
        }
        tree = []
        for node in nodes.values():
            parent = nodes.get(node["parent"])
            (parent["children"] if parent else tree).append(node)
        cache.set("catalog:category-tree", tree, 60)
    return tree


def category_with_descendants(category_id: int) -> list[int]:
    ids = [category_id]
    frontier = [category_id]
    while frontier:
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids.extend(frontier)
    return ids


def _images_prefetch() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))


def product_list(
    *,
    q: str = "",
    category: int | None = None,
    shop: str | None = None,
    province: str | None = None,
    min_price: Decimal | None = None,
    max_price: Decimal | None = None,
    in_stock: bool | None = None,
    ordering: str | None = None,
) -> QuerySet[Product]:
    """Public products with the filters of GET /api/v1/products/. Two queries a page, whatever its size."""
    queryset = Product.objects.public().select_related("shop")
    if category:
        queryset = queryset.filter(category_id__in=category_with_descendants(category))
    if shop:
        queryset = queryset.filter(shop__slug=shop)
    if province:
        queryset = queryset.filter(province=province)
    if min_price is not None:
        queryset = queryset.filter(price_min__gte=min_price)
    if max_price is not None:
        queryset = queryset.filter(price_min__lte=max_price)
    if in_stock:
        queryset = queryset.filter(in_stock=True)
    if q and q.strip():
        by_relevance = not ordering and search_ranks_by_relevance()
        queryset = product_search(queryset, q, relevance=by_relevance)
        if by_relevance:
            return queryset.order_by("-rank", "-sales_count", "-id").prefetch_related(_images_prefetch())
    order = ORDERINGS.get(ordering or "-sales", ORDERINGS["-sales"])
    if ordering == "-rating":
        return queryset.order_by(F("rating").desc(nulls_last=True), "-id").prefetch_related(_images_prefetch())
    return queryset.order_by(*order).prefetch_related(_images_prefetch())


def product_detail(*, product: Product) -> Product:
    return (
        Product.objects.select_related("shop", "category", "category__parent")
        .prefetch_related(_images_prefetch(), Prefetch("skus", queryset=Sku.objects.filter(is_active=True)))
        .get(pk=product.pk)
    )


def product_images(*, product_id: int) -> list[ProductImage]:
    return list(ProductImage.objects.filter(product_id=product_id).order_by("position", "id"))


def product_skus_on_sale(*, product_id: int) -> list[Sku]:
    return list(Sku.objects.filter(product_id=product_id, is_active=True).order_by("sort_order", "id"))


def shop_catalogue_version(*, shop_id: int) -> tuple:
    """Changes when any product of the shop is added, edited (price, status, moderation) or gets a photo, or
    a photo gets its thumbnail: for caching what the shop page shows of its products. One query."""
    stamp = Product.objects.filter(shop_id=shop_id).aggregate(
        products=Count("id", distinct=True),
        edited=Max("updated_at"),
        photos=Count("images"),
        photo_edited=Max("images__updated_at"),
    )
    return stamp["products"], stamp["edited"], stamp["photos"], stamp["photo_edited"]


# A SKU with fewer than this many left is "low on stock" in the seller center.
LOW_STOCK_THRESHOLD = 5


def _low_stock_skus(shop_id: int) -> QuerySet[Sku]:
    """The shop's SKUs on sale with fewer than LOW_STOCK_THRESHOLD left (sold out included)."""
    return Sku.objects.filter(
        product__shop_id=shop_id,
        product__status=Product.Status.ACTIVE,
        is_active=True,
        stock__lt=LOW_STOCK_THRESHOLD,
    )


def seller_low_stock_count(*, shop_id: int) -> int:
    """How many SKUs on sale are low on stock: one COUNT (the shop's products by the (shop, status) index)."""
    return _low_stock_skus(shop_id).count()


def seller_product_counts(*, shop_id: int) -> dict[str, int]:
    """{status: count} of the shop's products, one grouped COUNT."""
    rows = Product.objects.filter(shop_id=shop_id).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


def products_for_seller(
    *, shop_id: int, status: str | None = None, q: str = "", low_stock: bool = False
) -> QuerySet[Product]:
    queryset = (
        Product.objects.filter(shop_id=shop_id)
        .select_related("category")
        .prefetch_related(_images_prefetch(), Prefetch("skus", queryset=Sku.objects.filter(is_active=True)))
    )
    if status:
        queryset = queryset.filter(status=status)
    if low_stock:
        queryset = queryset.filter(pk__in=_low_stock_skus(shop_id).values("product_id"))
    if q:
        queryset = queryset.filter(title__icontains=q)
    return queryset.order_by("-updated_at", "-id")


def shop_categories(*, shop_id: int) -> list[Category]:
    """The categories a shop sells in, with how many public products each."""
    return list(
        Category.objects.filter(products__shop_id=shop_id, products__visible=True)
        .annotate(n=Count("products"))
        .order_by("-n", "id")
    )


def shop_product_count(*, shop_id: int) -> int:
    return Product.objects.public().filter(shop_id=shop_id).count()


PROVINCES_SECONDS = 600


def provinces_with_products(limit: int = 12) -> list[dict]:
    """The provinces with the most public products, for the home page: a count over the whole catalogue
    (a quarter of a second at 1M products), so cached; the counts are up to PROVINCES_SECONDS old."""
    key = f"catalog:provinces:{limit}"
    with contextlib.suppress(RedisError):
        cached = cache.get(key)
        if cached is not None:
            return cached
    provinces = list(
        Product.objects.public().exclude(province="").values("province").annotate(n=Count("id")).order_by("-n")[:limit]
    )
    with contextlib.suppress(RedisError):
        cache.set(key, provinces, PROVINCES_SECONDS)
    return provinces


def product_thumbnail(product: Product) -> ProductImage | None:
    images = list(product.images.all())
    return images[0] if images else None
