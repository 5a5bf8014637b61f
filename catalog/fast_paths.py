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

import functools
from collections.abc import Collection

from django.db import connection
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.db.models.expressions import Col

from catalog.models import Category, Product, Sku
from catalog.search import search_document_contains, search_products
from catalog.search_text import QueryWord
from shops.models import Shop, ShopMember


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


# --- checkout's SKU read ------------------------------------------------------------------------


# What checkout reads of each row (orders.services.checkout, the answer, the order's shop): the rest is
# deferred, as `.only()` defers it — a product's description and search document are kilobytes that a
# checkout never reads (bench B1: the five full rows were ~0.25 ms of CPU per checkout).
CHECKOUT_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Sku: ("id", "product", "name", "price", "stock", "is_active"),
    Product: ("id", "shop", "title", "category", "visible"),
    Shop: ("id", "name", "slug", "commission_rate"),
    Category: ("id", "parent", "commission_rate"),
}


def _checkout_fields(model: type[Model]) -> list:
    """CHECKOUT_FIELDS[model] in the model's column order (`Model.from_db` reads the values in that order)."""
    names = {model._meta.get_field(name).name for name in CHECKOUT_FIELDS[model]}
    return [f for f in model._meta.concrete_fields if f.name in names]


def skus_for_checkout(*, sku_ids: Collection[int], buyer_id: int, also: tuple[str, ...] = ()) -> dict[int, Sku]:
    """{id: SKU} for the SKUs that exist, each with its product, the product's shop and category and the
    category's parent (instances as `select_related(...).only(CHECKOUT_FIELDS)` gives them), and
    `buyer_is_member`: whether the buyer works for the SKU's shop. One statement, built once from the
    models' columns.

    `also`: SQL expressions without parameters (the caller's, built from its models' metadata) selected in
    the same statement, one row per SKU; their values are each SKU's `also` (bench B1: a buy-now reserves its
    rows' ids in this round trip, orders.services.checkout_one_statement)."""
    ids = sorted(set(sku_ids))
    if not ids:
        return {}
    selected, tables, models = _skus_for_checkout_sql()
    select = f"SELECT {', '.join((selected, *also))} FROM {tables}"  # noqa: S608 (identifiers, expressions)
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE s.{_q(Sku._meta.pk.column)} IN ({placeholders})", [buyer_id, *ids])
        rows = cursor.fetchall()
    skus = {}
    member = -1 - len(also)
    for row in rows:
        sku, product, shop, category, parent = _instances_from_row(models, row)
        category.parent = parent
        product.shop, product.category = shop, category
        sku.product = product
        sku.buyer_is_member = bool(row[member])
        if also:
            sku.also = row[member + 1 :]
        skus[sku.pk] = sku
    return skus


def skus_for_checkout_orm(*, sku_ids: Collection[int], buyer_id: int) -> dict[int, Sku]:
    """The reference for `skus_for_checkout`: the same instances through the ORM."""
    own_shop = ShopMember.objects.filter(user_id=buyer_id, shop_id=OuterRef("product__shop_id"))
    paths = {Sku: "", Product: "product__", Shop: "product__shop__", Category: "product__category__"}
    only = [f"{paths[model]}{name}" for model, names in CHECKOUT_FIELDS.items() for name in names]
    only += [f"product__category__parent__{name}" for name in CHECKOUT_FIELDS[Category]]
    return {
        sku.pk: sku
        for sku in Sku.objects.select_related("product__shop", "product__category__parent")
        .only(*only)
        .annotate(buyer_is_member=Exists(own_shop))
        .filter(pk__in=set(sku_ids))
    }


@functools.cache
def _skus_for_checkout_sql() -> tuple[str, str, list[type[Model]]]:
    """(the select list, the tables, the models in the list's order)."""
    models: list[type[Model]] = [Sku, Product, Shop, Category, Category]
    aliases = ["s", "p", "sh", "c", "pc"]
    columns = [
        f"{alias}.{_q(f.column)}" for model, alias in zip(models, aliases, strict=True) for f in _checkout_fields(model)
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
    return f"{', '.join(columns)}, {member}", tables, models


def _instances_from_row(models: list[type[Model]], row: tuple) -> list[Model | None]:
    """One instance per model from consecutive columns of the row (None where a LEFT JOIN found none).

    Each value goes through the converters the ORM would apply: PostgreSQL's driver gives Decimals and
    aware datetimes already, SQLite's gives numbers and naive datetimes that only the converters turn into
    what the models hold (a price of 9.90 as a float would break checkout's Decimal arithmetic)."""
    instances: list[Model | None] = []
    start = 0
    vendor, alias = connection.vendor, connection.alias  # the proxy costs a lookup per attribute
    for model in models:
        fields, converters = _fields_and_converters(model, vendor)
        values = list(row[start : start + len(fields)])
        start += len(fields)
        if values[fields.index(model._meta.pk)] is None:
            instances.append(None)
            continue
        for index, column, field_converters in converters:
            for converter in field_converters:
                values[index] = converter(values[index], column, connection)
        instances.append(model.from_db(alias, [f.attname for f in fields], values))
    return instances


@functools.cache
def _fields_and_converters(model: type[Model], vendor: str) -> tuple[list, list[tuple[int, Col, list]]]:
    """The fields checkout reads (CHECKOUT_FIELDS) and, for those that need any, the backend's and the field's
    converters."""
    fields = _checkout_fields(model)
    converters = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, column, found))
    return fields, converters


# --- search -------------------------------------------------------------------------------------
# Search moved to catalog/search.py (issue 24: a weighted tsvector model field, ranked by cover density,
# through django.contrib.postgres.search); these names stay for the callers of the first search.


def search_ranks_by_relevance() -> bool:
    """Whether `product_search` can order by relevance (PostgreSQL's ts_rank_cd); elsewhere sales order."""
    return connection.vendor == "postgresql"


def product_search(queryset: QuerySet[Product], query: str, *, relevance: bool = True) -> QuerySet[Product]:
    """catalog.search.search_products over `queryset`: ranked (`rank`) when `relevance`."""
    return search_products(query, queryset=queryset, ranked=relevance)


def product_search_orm(queryset: QuerySet[Product], terms: list[QueryWord]) -> QuerySet[Product]:
    """The reference for `product_search`: every word (any of its alternatives) in the search document.
    What SQLite runs."""
    return search_document_contains(queryset, terms)
