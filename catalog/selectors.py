"""Reads for the catalogue: categories, public product lists and search, product pages."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Collection
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, Max, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from redis.exceptions import RedisError

from catalog.models import Category, Product, ProductImage, Sku
from catalog.search import query_terms, tsquery
from shops.models import Shop, ShopMember

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


SEARCH_CANDIDATES = 400
SEARCH_CANDIDATES_SECONDS = 60


def _search_candidates(matches: QuerySet[Product], ts: str) -> list[int]:
    """Ids of the best-selling SEARCH_CANDIDATES matches, by relevance then sales: one query, cached briefly.

    The same for every visitor, and the costly part of a search (a GIN scan intersecting posting lists of
    ~100k products for a common two-word query), so it is cached per query and filters, and per newest
    product id: a new product is found at once. The page re-checks visibility and the match on every
    request, so a product delisted, hidden by a suspended shop or retitled away disappears at once. What
    changes the candidates otherwise — sales counts (the order), a product retitled *into* the match or
    shown again — shows within SEARCH_CANDIDATES_SECONDS.
    """
    # Compiled on its own (not as a subquery, where the table gets an alias the raw WHERE can't see).
    sql, params = matches.order_by("-sales_count", "-id").values("id")[:SEARCH_CANDIDATES].query.sql_with_params()
    with connection.cursor() as cursor:  # the primary key's index: a fraction of a millisecond
        cursor.execute("SELECT max(id) FROM catalog_product")
        newest = cursor.fetchone()[0]
    key = "catalog:search:" + hashlib.blake2b(f"{sql}|{params}|{newest}".encode(), digest_size=16).hexdigest()
    try:
        ids = cache.get(key)
    except RedisError:
        ids = None
    if ids is None:
        ids = list(
            Product.objects.filter(id__in=RawSQL(sql, params))  # noqa: S611 - compiled by the ORM above
            .annotate(rank=RawSQL("ts_rank(catalog_product.search_vector, to_tsquery('simple', %s))", [ts]))
            .order_by("-rank", "-sales_count", "-id")
            .values_list("id", flat=True)
        )
        with contextlib.suppress(RedisError):
            cache.set(key, ids, SEARCH_CANDIDATES_SECONDS)
    return ids


def product_search(queryset: QuerySet[Product], query: str, *, relevance: bool = True) -> QuerySet[Product]:
    """Chinese-aware: jieba words and pinyin on PostgreSQL's GIN index, ranked; contains on SQLite."""
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        ts = tsquery(terms)
        # search_vector is a stored tsvector with a GIN index (migration 0004), straight in WHERE.
        matches = queryset.extra(where=["catalog_product.search_vector @@ to_tsquery('simple', %s)"], params=[ts])
        if not relevance:
            return matches
        # Relevance, then sales, among the best-selling SEARCH_CANDIDATES matches: ranking every one of
        # tens of thousands of matches costs more than anyone pages through; a sort order searches them all.
        ids = _search_candidates(matches, ts)
        # One array parameter, not 400 placeholders; rank is the position in the candidates' order.
        return (
            Product.objects.public()
            .extra(
                where=[
                    "catalog_product.id = ANY(%s::bigint[])",
                    "catalog_product.search_vector @@ to_tsquery('simple', %s)",
                ],
                params=[ids, ts],
            )
            .select_related("shop")
            .annotate(rank=RawSQL("-array_position(%s::bigint[], catalog_product.id)", [ids]))
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_document__icontains=term) | Q(title__icontains=term)
    return queryset.filter(condition)


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
        queryset = queryset.filter(Exists(Sku.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0)))
    if q and q.strip():
        by_relevance = not ordering and connection.vendor == "postgresql"
        queryset = product_search(queryset, q, relevance=by_relevance)
        if by_relevance:
            return queryset.order_by("-rank", "-sales_count", "-id").prefetch_related(_images_prefetch())
    order = ORDERINGS.get(ordering or "-sales", ORDERINGS["-sales"])
    if ordering == "-rating":
        from django.db.models import F

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


def skus_for_checkout(*, sku_ids: Collection[int], buyer_id: int) -> dict[int, Sku]:
    """{id: SKU} for the SKUs that exist, each with its product, the product's shop and category and the
    category's parent (full instances, as `select_related` gives them), and `buyer_is_member`: whether the
    buyer works for the SKU's shop. One statement.

    Checkout runs this on every order. The ORM spends ~0.9 ms of CPU compiling the same five-table
    select_related query with its EXISTS each time (bench B1: the largest single cost of a checkout);
    here the SQL is built once from the models' columns and the rows go straight to `from_db`.
    """
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    select, models = _skus_for_checkout_sql()
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE s.{_q(Sku._meta.pk.column)} IN ({placeholders})", [buyer_id, *ids])
        rows = cursor.fetchall()
    skus = {}
    for row in rows:
        sku, product, shop, category, parent = _instances_from_row(models, row)
        category.parent = parent
        product.shop, product.category = shop, category
        sku.product = product
        sku.buyer_is_member = bool(row[-1])
        skus[sku.pk] = sku
    return skus


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _skus_for_checkout_sql() -> tuple[str, list[type[Model]]]:
    models: list[type[Model]] = [Sku, Product, Shop, Category, Category]
    aliases = ["s", "p", "sh", "c", "pc"]
    columns = [
        f"{alias}.{_q(f.column)}"
        for model, alias in zip(models, aliases, strict=True)
        for f in model._meta.concrete_fields
    ]
    member = (
        f"EXISTS (SELECT 1 FROM {_q(ShopMember._meta.db_table)} m "  # noqa: S608 (identifiers only)
        f"WHERE m.{_q('user_id')} = %s AND m.{_q('shop_id')} = p.{_q('shop_id')})"
    )
    tables = (
        f"{_q(Sku._meta.db_table)} s "
        f"JOIN {_q(Product._meta.db_table)} p ON p.{_q('id')} = s.{_q('product_id')} "
        f"JOIN {_q(Shop._meta.db_table)} sh ON sh.{_q('id')} = p.{_q('shop_id')} "
        f"JOIN {_q(Category._meta.db_table)} c ON c.{_q('id')} = p.{_q('category_id')} "
        f"LEFT JOIN {_q(Category._meta.db_table)} pc ON pc.{_q('id')} = c.{_q('parent_id')}"
    )
    # Identifiers from the models' metadata only; every value is a parameter.
    return f"SELECT {', '.join(columns)}, {member} FROM {tables}", models  # noqa: S608


def _instances_from_row(models: list[type[Model]], row: tuple) -> list[Model | None]:
    """One instance per model from consecutive columns of the row (None where a LEFT JOIN found none)."""
    instances: list[Model | None] = []
    start = 0
    for model in models:
        fields = model._meta.concrete_fields
        values = row[start : start + len(fields)]
        start += len(fields)
        pk_value = values[fields.index(model._meta.pk)]
        instances.append(
            None if pk_value is None else model.from_db(connection.alias, [f.attname for f in fields], values)
        )
    return instances
