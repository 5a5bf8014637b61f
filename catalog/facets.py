"""Facets with counts for search results: category, province (origin), price bands, shop rating, in stock.

Standard faceting: each facet's counts are for the current query and every OTHER filter (a facet ignores its
own filter, so choosing 湖南 still shows how many 江苏 has); the total is with every filter. One statement:
PostgreSQL groups the query's matches by the facets' columns (category, province, price band, rating step,
in stock — Product.in_stock, a stored flag) and whether each group passes the price and rating filters, a
single pass over the matches whatever filters are on; the few hundred groups are then added up in Python
like the browse cube. `facet_counts_orm` is the same counts computed from plain rows in Python: what the
embedded SQLite default runs, and the reference the statement must equal (catalog/tests/test_facets.py).

The counts are cached briefly per query and filters (FACETS_SECONDS): the same for every visitor.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from redis.exceptions import RedisError

from catalog.models import Product
from catalog.selectors import category_tree, product_list

# Price bands in yuan, [low, high): the facet's choices; a band is chosen as min_price=low&max_price=high-0.01.
PRICE_BANDS: list[tuple[int, int | None]] = [(0, 10), (10, 30), (30, 60), (60, 100), (100, 200), (200, None)]
# The shop-rating choices (min_rating): "4.5 and up", "4 and up"; the API also takes 3 and 3.5.
RATING_CHOICES = ["4.5", "4", "3.5", "3"]
RATING_SHOWN = ["4.5", "4"]
PROVINCES_SHOWN = 12
FACETS_SECONDS = 60
# Cache keys start with it (tests give each test its own).
FACETS_KEY = "catalog:facets:"
FACET_NAMES = ("category", "province", "price", "rating", "in_stock")


@dataclass(frozen=True)
class Filters:
    """What narrows a search: the query and shop (never faceted) and the faceted filters."""

    q: str = ""
    shop: str | None = None
    category: int | None = None
    province: str | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    min_rating: Decimal | None = None
    in_stock: bool = False

    @classmethod
    def from_data(cls, data: dict) -> Filters:
        rating = data.get("min_rating")
        return cls(
            q=(data.get("q") or "").strip(),
            shop=data.get("shop") or None,
            category=data.get("category") or None,
            province=data.get("province") or None,
            min_price=data.get("min_price"),
            max_price=data.get("max_price"),
            min_rating=Decimal(rating) if rating not in (None, "") else None,
            in_stock=bool(data.get("in_stock")),
        )


@dataclass
class Counts:
    """Per facet {value: count} under the other filters; total under every filter."""

    category: dict[int, int] = field(default_factory=dict)  # leaf category id → count
    province: dict[str, int] = field(default_factory=dict)
    band: dict[int, int] = field(default_factory=dict)  # index in PRICE_BANDS → count
    stars: dict[int, int] = field(default_factory=dict)  # rating ×10 floored to a RATING_CHOICES step → count
    in_stock: int = 0
    total: int = 0


def search_results(data: dict) -> QuerySet[Product]:
    """The search's products: product_list's filters plus the shop rating (min_rating)."""
    rating = data.get("min_rating")
    products = product_list(**{k: v for k, v in data.items() if k != "min_rating"})
    if rating not in (None, ""):
        products = products.filter(rating__gte=Decimal(rating))
    return products


# --- the tree of categories (cached by category_tree) ------------------------------------------------


def category_nodes() -> dict[int, dict]:
    """Every category of the cached tree by id, each with its `parent_node`."""
    nodes: dict[int, dict] = {}

    def walk(node: dict, parent: dict | None) -> None:
        nodes[node["id"]] = {**node, "parent_node": parent}
        for child in node["children"]:
            walk(child, node)

    for root in category_tree():
        walk(root, None)
    return nodes


def node_leaves(node: dict) -> list[int]:
    """The ids of the leaf categories under a node of category_nodes() (the node itself when it is a leaf)."""
    if not node["children"]:
        return [node["id"]]
    return [leaf for child in node["children"] for leaf in node_leaves(child)]


def category_leaves(category_id: int | None) -> list[int] | None:
    """The ids a category filter matches (itself and every descendant), from the cached tree."""
    if not category_id:
        return None
    node = category_nodes().get(category_id)
    return [category_id, *(node_leaves(node) if node else [])]


# --- the counts --------------------------------------------------------------------------------------


def _band(price: Decimal) -> int:
    for index, (low, high) in enumerate(PRICE_BANDS):
        if price >= low and (high is None or price < high):
            return index
    return 0


def _stars(rating: Decimal | None) -> int:
    if rating is None:
        return 0
    for step in RATING_CHOICES:
        if rating >= Decimal(step):
            return int(Decimal(step) * 10)
    return 0


def _matches(filters: Filters) -> QuerySet:
    """The query's matches (every one, not only the best-ranked page) with the columns the facets read."""
    # An explicit order makes product_list search every match, not the relevance candidates.
    base = product_list(q=filters.q, shop=filters.shop, ordering="-created").order_by()
    return base.values("category_id", "province", "price_min", "rating", stocked=F("in_stock"))


def _others(filters: Filters) -> dict[str, callable]:
    """Per facet, the test of one row against that facet's own filter (True when the filter is off)."""
    leaves = set(category_leaves(filters.category) or [])
    low, high = filters.min_price, filters.max_price
    return {
        "category": lambda r: not leaves or r["category_id"] in leaves,
        "province": lambda r: not filters.province or r["province"] == filters.province,
        "price": lambda r: (low is None or r["price_min"] >= low) and (high is None or r["price_min"] <= high),
        "rating": lambda r: (
            filters.min_rating is None or (r["rating"] is not None and r["rating"] >= filters.min_rating)
        ),
        "in_stock": lambda r: not filters.in_stock or bool(r["stocked"]),
    }


def _count(rows, tests: dict, *, band_of, stars_of) -> Counts:
    """Counts per facet from rows (each weighing row["n"], 1 when absent): a row counts for a facet when it
    passes every other facet's test, so a row failing two tests counts nowhere and one failing one test
    counts for that facet only."""
    counts = Counts()
    names = list(tests)
    checks = [tests[name] for name in names]
    for row in rows:
        failed = [name for name, test in zip(names, checks, strict=True) if not test(row)]
        if len(failed) > 1:
            continue
        n = row.get("n", 1)
        for_all = set(names) if not failed else set(failed)
        if "category" in for_all:
            counts.category[row["category_id"]] = counts.category.get(row["category_id"], 0) + n
        if "province" in for_all and row["province"]:
            counts.province[row["province"]] = counts.province.get(row["province"], 0) + n
        if "price" in for_all:
            band = band_of(row)
            counts.band[band] = counts.band.get(band, 0) + n
        if "rating" in for_all:
            stars = stars_of(row)
            counts.stars[stars] = counts.stars.get(stars, 0) + n
        if "in_stock" in for_all and row["stocked"]:
            counts.in_stock += n
        if not failed:
            counts.total += n
    return counts


def facet_counts_orm(filters: Filters) -> Counts:
    """The reference: every match's row read, counted in Python (the embedded SQLite default runs it)."""
    return _count(
        _matches(filters),
        _others(filters),
        band_of=lambda r: _band(r["price_min"]),
        stars_of=lambda r: _stars(r["rating"]),
    )


# --- browsing without a query: the whole catalogue, counted once ----------------------------------------

# Without a query the facets count the whole catalogue (a facet ignores its own filter, so a category page
# still counts every category): ten seconds at 1M products per filter combination. Instead the catalogue is
# grouped once by (category, province, price band, rating step, in stock) — a few thousand rows — kept
# BROWSE_SECONDS (beat refreshes it) and every browse page's counts are added up from it in Python.
BROWSE_SECONDS = 1200
BROWSE_MEMO_SECONDS = 30
_browse_memo: tuple[str, list, float] = ("", [], 0.0)


def _band_aligned(filters: Filters) -> bool:
    """Whether the price filter is absent or a union of whole bands (what the facet's links set)."""
    lows = {Decimal(low) for low, _ in PRICE_BANDS}
    highs = {Decimal(high) - Decimal("0.01") for _, high in PRICE_BANDS if high is not None}
    return (filters.min_price is None or filters.min_price in lows) and (
        filters.max_price is None or filters.max_price in highs
    )


def _cube_rows(filters: Filters, **flags) -> QuerySet:
    """The query's matches grouped by (category, province, price band, rating step, in stock[, flags]), each
    group with its count `n`."""
    bands = [
        When(Q(price_min__gte=low) & (Q(price_min__lt=high) if high is not None else Q()), then=Value(index))
        for index, (low, high) in enumerate(PRICE_BANDS)
    ]
    steps = [When(rating__gte=Decimal(step), then=Value(int(Decimal(step) * 10))) for step in RATING_CHOICES]
    return (
        _matches(filters)
        .annotate(
            band=Case(*bands, default=Value(0), output_field=IntegerField()),
            stars=Case(*steps, default=Value(0), output_field=IntegerField()),
            **flags,
        )
        .values("category_id", "province", "band", "stars", "stocked", *flags)
        .annotate(n=Count("id"))
        .order_by()
    )


def _cube_fetch(rows: QuerySet) -> list[dict]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The planner's cost for tens of thousands of matches turns JIT compilation on: ~0.9 s of a
                # 3 s statement at 1M products (bench/search_extras.py), never won back by the short scan.
                # It also expects a group per match (70k for a common word; there are ~100): with the default
                # 4 MB it sorted them on disk (external merge, ~150 ms of 660); 16 MB lets it hash them.
                cursor.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '16MB', true)")
        return list(rows)


def browse_cube(*, refresh: bool = False) -> list[dict]:
    """The catalogue grouped by the facets' columns: [{category_id, province, band, stars, stocked, n}]."""
    global _browse_memo
    key = FACETS_KEY + "browse"
    memo_key, memo_cube, memo_at = _browse_memo
    if not refresh and memo_key == key and time.monotonic() - memo_at < BROWSE_MEMO_SECONDS:
        return memo_cube  # this process read it moments ago: no unpickling a few thousand rows per page
    if not refresh:
        with contextlib.suppress(RedisError):
            cube = cache.get(key)
            if cube is not None:
                _browse_memo = (key, cube, time.monotonic())
                return cube
    cube = _cube_fetch(_cube_rows(Filters()))
    with contextlib.suppress(RedisError):
        cache.set(key, cube, BROWSE_SECONDS)
    _browse_memo = (key, cube, time.monotonic())
    return cube


def _browse_counts(filters: Filters) -> Counts:
    tests = _others(filters)
    low, high = filters.min_price, filters.max_price
    tests["price"] = lambda r: (
        (low is None or PRICE_BANDS[r["band"]][0] >= low)
        and (
            high is None
            or (PRICE_BANDS[r["band"]][1] is not None and PRICE_BANDS[r["band"]][1] - Decimal("0.01") <= high)
        )
    )
    tests["rating"] = lambda r: filters.min_rating is None or r["stars"] >= int(filters.min_rating * 10)
    return _count(browse_cube(), tests, band_of=lambda r: r["band"], stars_of=lambda r: r["stars"])


def _facet_counts_sql(filters: Filters) -> Counts:
    """facet_counts_orm's counts from one GROUP BY: the query's matches grouped by the facets' columns (a few
    hundred to a few thousand rows for a common word), each group with whether it passes the price and the
    rating filters, then counted like the browse cube (_count). Through the ORM, no SQL built by hand: at 1M
    products it costs what the GROUPING SETS statement with a FILTER per facet cost (126 vs 141 ms for a common
    word's 71k matches, 291 vs 299 ms for 141k: the heap reads of the matches are the cost, bench/RESULTS.md)."""
    price = Q()
    if filters.min_price is not None:
        price &= Q(price_min__gte=filters.min_price)
    if filters.max_price is not None:
        price &= Q(price_min__lte=filters.max_price)
    rating = Q(rating__gte=filters.min_rating) if filters.min_rating is not None else Q()
    on = Value(True, output_field=BooleanField())
    rows = _cube_rows(
        filters,
        price_ok=ExpressionWrapper(price, output_field=BooleanField()) if price else on,
        rating_ok=ExpressionWrapper(rating, output_field=BooleanField()) if rating else on,
    )
    tests = _others(filters)
    tests["price"] = lambda r: bool(r["price_ok"])
    tests["rating"] = lambda r: bool(r["rating_ok"])
    return _count(_cube_fetch(rows), tests, band_of=lambda r: r["band"], stars_of=lambda r: r["stars"])


# Counts past their FACETS_SECONDS are still shown, for at most FACETS_STALE_SECONDS more, while a Celery task
# counts them again (one task per query and filters at a time): a common word searched again after a minute
# does not wait for its statement (0.1-0.6 s at 1M products, bench/RESULTS.md); the next page has the recount.
FACETS_STALE_SECONDS = 600


def facet_counts(filters: Filters, *, refresh: bool = False, seconds: int | None = None) -> Counts:
    """The counts, cached FACETS_SECONDS per query and filters (one statement on a miss, none on a hit; past
    that, shown while recounted: FACETS_STALE_SECONDS); browsing without a query adds them up from the grouped
    catalogue."""
    if not filters.q and not filters.shop and _band_aligned(filters):
        return _browse_counts(filters)  # the cube is cached on its own
    key = FACETS_KEY + hashlib.blake2b(repr(filters).encode(), digest_size=16).hexdigest()
    if not refresh:
        with contextlib.suppress(RedisError):
            cached = cache.get(key)
            if isinstance(cached, tuple):
                counts, fresh_until = cached
                if time.time() >= fresh_until:
                    _recount_soon(filters, key)
                return counts
    counts = _facet_counts_sql(filters) if connection.vendor == "postgresql" else facet_counts_orm(filters)
    fresh = FACETS_SECONDS if seconds is None else seconds
    if fresh > 0:
        with contextlib.suppress(RedisError):
            cache.set(key, (counts, time.time() + fresh), fresh + FACETS_STALE_SECONDS)
    return counts


def _recount_soon(filters: Filters, key: str) -> None:
    if cache.add(key + ":recount", 1, FACETS_SECONDS or 60):
        from catalog.tasks import facet_counts_refresh_task

        data = {name: str(value) if isinstance(value, Decimal) else value for name, value in vars(filters).items()}
        transaction.on_commit(lambda: facet_counts_refresh_task.delay(data), robust=True)


def facet_counts_refresh(*, filters: dict) -> None:
    """Counts the facets of one query and filters again (the stale-while-recounting task's service)."""
    money = ("min_price", "max_price", "min_rating")
    values = {name: Decimal(value) if name in money and value is not None else value for name, value in filters.items()}
    facet_counts(Filters(**values), refresh=True)


# The most searched queries whose facets beat keeps counted, so their pages never wait for the statement
# (a second or two for a word in tens of thousands of listings at 1M products: bench/RESULTS.md).
POPULAR_WARM = 20


def popular_facets_warm() -> int:
    """Counts the facets of the POPULAR_WARM most searched queries (no filters) and keeps them BROWSE_SECONDS."""
    from catalog.models import SearchTerm

    queries = (
        SearchTerm.objects.filter(source=SearchTerm.Source.QUERY)
        .order_by("-weight", "term")
        .values_list("term", flat=True)[:POPULAR_WARM]
    )
    warmed = 0
    for query in queries:
        facet_counts(Filters(q=query), refresh=True, seconds=BROWSE_SECONDS)
        warmed += 1
    return warmed
