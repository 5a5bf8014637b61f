"""catalog/fast_paths.py: each fast path equals its plain-ORM reference on the same data, on PostgreSQL and on
the embedded SQLite default (seeded with the demo, in a process of its own)."""

import json

import pytest

from catalog.fast_paths import product_search, product_search_orm, skus_for_checkout, skus_for_checkout_orm
from catalog.models import Category, Product
from catalog.search import query_terms
from tests.embedded_sqlite import sqlite_prepared, sqlite_run
from tests.factories import ShopFactory, make_product

pytestmark = pytest.mark.django_db


def _columns(instance) -> dict:
    """The loaded columns (reading a deferred one would load it) and which are deferred."""
    deferred = instance.get_deferred_fields()
    fields = [f for f in type(instance)._meta.concrete_fields if f.attname not in deferred]
    return {"deferred": sorted(deferred), **{f.attname: getattr(instance, f.attname) for f in fields}}


def _sku_graph(sku) -> tuple:
    parent = sku.product.category.parent
    return (
        _columns(sku),
        _columns(sku.product),
        _columns(sku.product.shop),
        _columns(sku.product.category),
        parent and _columns(parent),
        bool(sku.buyer_is_member),
        sku._state.adding,
    )


def test_skus_for_checkout_equals_the_orm_reference(django_assert_num_queries):
    # given: a SKU in a leaf category (with a parent), one in a top-level category (none), and a buyer
    # who works for the second SKU's shop
    leaf_sku = make_product(title="腌萝卜", skus=(("罐装", "28.00", 5),)).skus.get()
    top = Category.objects.filter(parent__isnull=True).order_by("id").first()
    shop = ShopFactory()
    top_sku = make_product(shop=shop, title="板凳", category=top.slug, skus=(("一张", "99.00", 1),)).skus.get()
    wanted = [leaf_sku.pk, top_sku.pk, 10**9]

    with django_assert_num_queries(1):
        fast = skus_for_checkout(sku_ids=wanted, buyer_id=shop.owner.pk)
        graphs = {pk: _sku_graph(sku) for pk, sku in fast.items()}  # nothing more is loaded
    reference = skus_for_checkout_orm(sku_ids=wanted, buyer_id=shop.owner.pk)

    assert graphs == {pk: _sku_graph(sku) for pk, sku in reference.items()}
    assert set(fast) == {leaf_sku.pk, top_sku.pk}  # the unknown id is simply absent
    assert fast[top_sku.pk].buyer_is_member and not fast[leaf_sku.pk].buyer_is_member
    assert fast[leaf_sku.pk].product.category.parent is not None and fast[top_sku.pk].product.category.parent is None
    assert skus_for_checkout(sku_ids=[], buyer_id=shop.owner.pk) == {}


QUERIES = ["萝卜", "腌萝卜", "luobo", "腊肠 湖南", "bandeng", "rice", "不存在的东西"]


def test_full_text_search_finds_what_the_orm_reference_finds():
    shop = ShopFactory(name="湖南老农家")
    make_product(shop=shop, title="湖南农家腌萝卜", skus=(("500 g", "28.00", 10),))
    make_product(shop=shop, title="萝卜干", skus=(("1 kg", "30.00", 3),))
    make_product(shop=shop, title="农家烟熏腊肠", province="湖南")
    make_product(title="手工实木板凳")
    make_product(title="Wuchang rice 五常大米")

    for query in QUERIES:
        terms = query_terms(query)
        reference = set(product_search_orm(Product.objects.public(), terms).values_list("id", flat=True))
        found = set(product_search(Product.objects.public(), query, relevance=False).values_list("id", flat=True))
        # The reference matches substrings (腌 inside 腌菜), the index whole words: never less, maybe more.
        assert found <= reference and (found or not reference), query
        ranked = list(product_search(Product.objects.public(), query).order_by("-rank").values_list("id", flat=True))
        assert set(ranked) == found, query
    assert len(set(product_search_orm(Product.objects.public(), query_terms("萝卜")))) == 2


SQLITE_CHECKS = """
import json
from django.db import connection
from catalog.fast_paths import skus_for_checkout, skus_for_checkout_orm
from catalog.models import Product, Sku
from catalog.selectors import product_list
from shops.models import Shop

def columns(i):
    deferred = i.get_deferred_fields()
    return {"deferred": sorted(deferred), **{f.attname: repr(getattr(i, f.attname))
            for f in type(i)._meta.concrete_fields if f.attname not in deferred}}

ids = list(Sku.objects.order_by("id").values_list("id", flat=True)[:40])
buyer = Shop.objects.order_by("id").first().owner_id
fast, reference = skus_for_checkout(sku_ids=ids, buyer_id=buyer), skus_for_checkout_orm(sku_ids=ids, buyer_id=buyer)
def graph(s):
    parent = s.product.category.parent
    return [columns(s), columns(s.product), columns(s.product.shop), columns(s.product.category),
            parent and columns(parent), bool(s.buyer_is_member)]
print(json.dumps({
    "vendor": connection.vendor,
    "skus": len(fast),
    "skus_equal": {k: graph(v) for k, v in fast.items()} == {k: graph(v) for k, v in reference.items()},
    "member": sorted(k for k, v in fast.items() if v.buyer_is_member),
    "search": [p.title for p in product_list(q="萝卜")],
    "search_pinyin": len(product_list(q="luobo")),
    "search_sorted": len(product_list(q="萝卜", ordering="price")),
    "counts_wrong": [s.slug for s in Shop.objects.all()
                     if s.product_count != Product.objects.filter(shop=s, visible=True).count()],
}))
"""


@pytest.mark.slow
def test_the_embedded_sqlite_default_seeds_the_demo_searches_and_checks_out(tmp_path):
    """`make run` without DATABASE_URL: SQLite. seed_demo (its SQLite branch and the bulk products) and the
    catalogue's SQLite side of each fast path, in a process of its own on a fresh (migrated) SQLite file."""
    sqlite_prepared(tmp_path)  # a copy of a freshly migrated SQLite file (made once: tests/embedded_sqlite.py)
    sqlite_run(tmp_path, "seed_demo", "--quiet-logins", "--shops", "2", "--products", "30")
    result = json.loads(sqlite_run(tmp_path, "shell", "-c", SQLITE_CHECKS).strip().splitlines()[-1])

    assert (tmp_path / "db.sqlite3").exists() and result["vendor"] == "sqlite"
    assert result["skus"] == 40 and result["skus_equal"] and result["member"]
    assert result["search"] and all("萝卜" in title for title in result["search"])
    assert result["search_pinyin"] == len(result["search"]) == result["search_sorted"]
    assert result["counts_wrong"] == []
