"""The catalogue's fast paths: measured shortcuts past the ORM, each beside the plain-ORM version it must equal.

- `skus_for_checkout` (prebuilt SQL, rows hydrated with `Model.from_db`) ≡ `skus_for_checkout_orm`: bench B1
  measured the ORM compiling checkout's five-table query at ~0.9 ms of ~1.2–1.4 ms CPU per checkout.
- `product_search` on PostgreSQL (a stored tsvector on a GIN index, ranked, candidates cached) ≡
  `product_search_orm` (every term in the search document or the title, what SQLite and tests without
  PostgreSQL run): a `contains` scan over 1M products takes seconds.

catalog/tests/test_fast_paths.py runs each pair on the same data; the SQLite side (the embedded `make run`
default) is exercised on a real SQLite database there too. Table and column names come from the models.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Collection

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.db.models.expressions import Col, RawSQL
from redis.exceptions import RedisError

from catalog.models import Category, Product, Sku
from catalog.search import query_terms, tsquery
from shops.models import Shop, ShopMember


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


# --- checkout's SKU read ------------------------------------------------------------------------


def skus_for_checkout(*, sku_ids: Collection[int], buyer_id: int) -> dict[int, Sku]:
    """{id: SKU} for the SKUs that exist, each with its product, the product's shop and category and the
    category's parent (full instances, as `select_related` gives them), and `buyer_is_member`: whether the
    buyer works for the SKU's shop. One statement, built once from the models' columns."""
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


def skus_for_checkout_orm(*, sku_ids: Collection[int], buyer_id: int) -> dict[int, Sku]:
    """The reference for `skus_for_checkout`: the same instances through the ORM."""
    own_shop = ShopMember.objects.filter(user_id=buyer_id, shop_id=OuterRef("product__shop_id"))
    return {
        sku.pk: sku
        for sku in Sku.objects.select_related("product__shop", "product__category__parent")
        .annotate(buyer_is_member=Exists(own_shop))
        .filter(pk__in=set(sku_ids))
    }


@functools.cache
def _skus_for_checkout_sql() -> tuple[str, list[type[Model]]]:
    models: list[type[Model]] = [Sku, Product, Shop, Category, Category]
    aliases = ["s", "p", "sh", "c", "pc"]
    columns = [
        f"{alias}.{_q(f.column)}"
        for model, alias in zip(models, aliases, strict=True)
        for f in model._meta.concrete_fields
    ]

    def column(model: type[Model], field: str) -> str:
        return _q(model._meta.get_field(field).column)

    member = (
        f"EXISTS (SELECT 1 FROM {_q(ShopMember._meta.db_table)} m "  # noqa: S608 (identifiers only)
        f"WHERE m.{column(ShopMember, 'user')} = %s AND m.{column(ShopMember, 'shop')} = p.{column(Product, 'shop')})"
    )
    tables = (
        f"{_q(Sku._meta.db_table)} s "
        f"JOIN {_q(Product._meta.db_table)} p ON p.{column(Product, 'id')} = s.{column(Sku, 'product')} "
        f"JOIN {_q(Shop._meta.db_table)} sh ON sh.{column(Shop, 'id')} = p.{column(Product, 'shop')} "
        f"JOIN {_q(Category._meta.db_table)} c ON c.{column(Category, 'id')} = p.{column(Product, 'category')} "
        f"LEFT JOIN {_q(Category._meta.db_table)} pc ON pc.{column(Category, 'id')} = c.{column(Category, 'parent')}"
    )
    # Identifiers from the models' metadata only; every value is a parameter.
    return f"SELECT {', '.join(columns)}, {member} FROM {tables}", models  # noqa: S608


def _instances_from_row(models: list[type[Model]], row: tuple) -> list[Model | None]:
    """One instance per model from consecutive columns of the row (None where a LEFT JOIN found none).

    Each value goes through the converters the ORM would apply: PostgreSQL's driver gives Decimals and
    aware datetimes already, SQLite's gives numbers and naive datetimes that only the converters turn into
    what the models hold (a price of 9.90 as a float would break checkout's Decimal arithmetic)."""
    instances: list[Model | None] = []
    start = 0
    for model in models:
        fields, converters = _fields_and_converters(model, connection.vendor)
        values = list(row[start : start + len(fields)])
        start += len(fields)
        if values[fields.index(model._meta.pk)] is None:
            instances.append(None)
            continue
        for index, column, field_converters in converters:
            for converter in field_converters:
                values[index] = converter(values[index], column, connection)
        instances.append(model.from_db(connection.alias, [f.attname for f in fields], values))
    return instances


@functools.cache
def _fields_and_converters(model: type[Model], vendor: str) -> tuple[list, list[tuple[int, Col, list]]]:
    """The model's concrete fields and, for those that need any, the backend's and the field's converters."""
    fields = list(model._meta.concrete_fields)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    return fields, converters


# --- search -------------------------------------------------------------------------------------

# A stored tsvector column with a GIN index that migration 0004 adds (PostgreSQL only; not a model field).
SEARCH_VECTOR = "search_vector"
SEARCH_CANDIDATES = 400
SEARCH_CANDIDATES_SECONDS = 60


def search_ranks_by_relevance() -> bool:
    """Whether `product_search` can order by relevance (PostgreSQL's ts_rank); elsewhere sales order."""
    return connection.vendor == "postgresql"


def product_search(queryset: QuerySet[Product], query: str, *, relevance: bool = True) -> QuerySet[Product]:
    """Chinese-aware: jieba words and pinyin on PostgreSQL's GIN index, ranked (`rank`) when `relevance`;
    `product_search_orm` elsewhere."""
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if connection.vendor != "postgresql":
        return product_search_orm(queryset, terms)
    ts = tsquery(terms)
    table, vector = _q(Product._meta.db_table), _q(SEARCH_VECTOR)
    matches_sql = f"{table}.{vector} @@ to_tsquery('simple', %s)"
    # search_vector is a stored tsvector with a GIN index (migration 0004), straight in WHERE.
    matches = queryset.extra(where=[matches_sql], params=[ts])  # noqa: S610 - identifiers only
    if not relevance:
        return matches
    # Relevance, then sales, among the best-selling SEARCH_CANDIDATES matches: ranking every one of
    # tens of thousands of matches costs more than anyone pages through; a sort order searches them all.
    ids = _search_candidates(matches, ts)
    # One array parameter, not 400 placeholders; rank is the position in the candidates' order.
    pk = f"{table}.{_q(Product._meta.pk.column)}"
    return (
        Product.objects.public()
        .extra(where=[f"{pk} = ANY(%s::bigint[])", matches_sql], params=[ids, ts])  # noqa: S610
        .select_related("shop")
        .annotate(rank=RawSQL(f"-array_position(%s::bigint[], {pk})", [ids]))  # noqa: S611 - identifiers only
    )


def product_search_orm(queryset: QuerySet[Product], terms: list[str]) -> QuerySet[Product]:
    """The reference for `product_search`: every term in the search document (words and their pinyin) or
    the title. What the embedded SQLite default runs."""
    condition = Q()
    for term in terms:
        condition &= Q(search_document__icontains=term) | Q(title__icontains=term)
    return queryset.filter(condition)


def _search_candidates(matches: QuerySet[Product], ts: str) -> list[int]:
    """Ids of the best-selling SEARCH_CANDIDATES matches, by relevance then sales: one query, cached briefly.

    The same for every visitor, and the costly part of a search (a GIN scan intersecting posting lists of
    ~100k products for a common two-word query), so it is cached per query and filters, and per newest
    product id: a new product is found at once. The page re-checks visibility and the match on every
    request, so a product delisted, hidden by a suspended shop or retitled away disappears at once. What
    changes the candidates otherwise — sales counts (the order), a product retitled *into* the match or
    shown again — shows within SEARCH_CANDIDATES_SECONDS.
    """
    table = _q(Product._meta.db_table)
    # Compiled on its own (not as a subquery, where the table gets an alias the raw WHERE can't see).
    sql, params = matches.order_by("-sales_count", "-id").values("id")[:SEARCH_CANDIDATES].query.sql_with_params()
    with connection.cursor() as cursor:  # the primary key's index: a fraction of a millisecond
        cursor.execute(f"SELECT max({_q(Product._meta.pk.column)}) FROM {table}")  # noqa: S608 - identifiers only
        newest = cursor.fetchone()[0]
    key = "catalog:search:" + hashlib.blake2b(f"{sql}|{params}|{newest}".encode(), digest_size=16).hexdigest()
    try:
        ids = cache.get(key)
    except RedisError:
        ids = None
    if ids is None:
        vector = _q(SEARCH_VECTOR)
        ids = list(
            Product.objects.filter(id__in=RawSQL(sql, params))  # noqa: S611 - compiled by the ORM above
            .annotate(rank=RawSQL(f"ts_rank({table}.{vector}, to_tsquery('simple', %s))", [ts]))  # noqa: S611
            .order_by("-rank", "-sales_count", "-id")
            .values_list("id", flat=True)
        )
        with contextlib.suppress(RedisError):
            cache.set(key, ids, SEARCH_CANDIDATES_SECONDS)
    return ids
