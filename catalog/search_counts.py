"""The product lists' capped count (common.api.CappedCountPaginator's `count`), cached per statement and per
version of the listings.

A price-sorted search counts up to 10,000 of its matches for the page's `count`: a bitmap scan of a common
word's matches, ~60 ms warm at 1M products (bench B2), on every page of it. The count is kept COUNT_SECONDS
under a key made of the count's SQL, its parameters and the listings' version, a token catalog's services
replace (once their transaction commits) whenever a listing is added, edited, published, delisted or deleted,
a shop's listings go on or off sale, a SKU sells out or stock comes back, or a rating changes: a cached count
never predates a change to what it counts. Redis unreachable: counted every time, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models import QuerySet
from redis.exceptions import RedisError

COUNT_SECONDS = 60
COUNT_KEY = "catalog:count:"
LISTINGS_VERSION_KEY = "catalog:listings-version"


def listings_version() -> str | None:
    """The listings' current version (a new one when Redis has none); None when Redis is unreachable."""
    try:
        version = cache.get(LISTINGS_VERSION_KEY)
        if version is None:
            cache.add(LISTINGS_VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(LISTINGS_VERSION_KEY)
    except RedisError:
        return None
    return version


def listings_changed() -> None:
    """Listings changed in the current transaction: a new version once it commits."""
    transaction.on_commit(_listings_version_new, robust=True)


def _listings_version_new() -> None:
    with contextlib.suppress(RedisError):
        cache.set(LISTINGS_VERSION_KEY, uuid.uuid4().hex, None)


def _on_sale_only(queryset: QuerySet) -> bool:
    """Whether the list is of listings on sale (`Product.objects.public()`): what the version follows. A
    seller's own list (drafts, low stock: any stock change) is counted every time."""
    visible = queryset.model._meta.get_field("visible")

    def lookups(node):
        for child in node.children:
            yield from lookups(child) if hasattr(child, "children") else [child]

    return not queryset.query.where.negated and any(
        getattr(getattr(lookup, "lhs", None), "target", None) == visible and lookup.rhs is True
        for lookup in lookups(queryset.query.where)
    )


def capped_count(queryset: QuerySet, *, cap: int) -> int:
    """How many rows `queryset` has, counting at most `cap`, unordered (a bitmap scan rather than a walk of the
    ordering's index past every non-match); cached per statement and listings' version for listings on sale."""
    capped = queryset.order_by()[:cap]
    version = listings_version() if _on_sale_only(queryset) else None
    if version is None:
        return capped.count()
    try:
        sql, params = capped.query.sql_with_params()
    except EmptyResultSet:  # none() or an empty `pk__in`: nothing to count
        return 0
    key = COUNT_KEY + hashlib.blake2b(f"{sql}|{params}|{version}".encode(), digest_size=16).hexdigest()
    with contextlib.suppress(RedisError):
        cached = cache.get(key)
        if cached is not None:
            return cached
    count = capped.count()
    with contextlib.suppress(RedisError):
        cache.set(key, count, COUNT_SECONDS)
    return count
