"""Catalogue search: a weighted tsvector per listing, ranked by cover density, on PostgreSQL.

The contract other code calls (the search page, the API, facets, suggestions):

    search_products(query, *, queryset=None, ranked=True) -> QuerySet[Product]

- `queryset`: the listings to search among, already filtered (category, price, shop…); default the public ones.
- `ranked=True`: the matches ordered by relevance (`rank`, ts_rank_cd over weights title A > category and SKU
  names B > shop and origin C > description and translations D), then sales; only the best
  SEARCH_CANDIDATES matches by title then sales are ranked (a common word matches 70,000 of a million listings).
- `ranked=False`: every match, unordered: for counts (facets) or a sort order the caller applies.
- A query with nothing searchable (punctuation, empty) gives `queryset.none()`.
- On SQLite (the embedded `make run` default) the same words are matched with `icontains` on the
  listing's `search_document`, in sales order, without `rank`.

What counts as a word (traditional characters, full-width letters, pinyin with spaces or tones, one typo,
English ⇄ Chinese through the catalogue's CC-CEDICT extract) is catalog/search_text.py's.
"""

from __future__ import annotations

import contextlib
import hashlib

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.cache import cache
from django.db import connection
from django.db.models import F, FloatField, Max, Q, QuerySet, TextField, Value
from redis.exceptions import RedisError

from catalog.search_text import ListingText, QueryWord, jieba_ready, query_words, weighted_words

# The longest query searched (the page and the API refuse longer ones, saying so).
MAX_QUERY_LENGTH = 100
# Ranked per query: 5 pages of 20 and a margin (bench B2: walking the best-selling index to find 300 title
# matches of a common word read ~4,000 rows, 165 ms with cold buffers, 20 ms warm).
SEARCH_CANDIDATES = 120
SEARCH_CANDIDATES_SECONDS = 60
WEIGHTS = "ABCD"

__all__ = [
    "MAX_QUERY_LENGTH",
    "jieba_warm_up",
    "listing_search_fields",
    "query_terms",
    "search_document",
    "search_products",
    "search_query",
    "tsvector_literal",
]


def jieba_warm_up() -> None:
    """Loads jieba's dictionary now (about a second), so the first search after start-up is not slow."""
    jieba_ready()


# --- listings -----------------------------------------------------------------------------------


def listing_search_fields(listing: ListingText, *, with_dictionary: bool = True, bulk: bool = False) -> dict:
    """The search fields of a listing to save: `search_document` (every word: SQLite's search and a
    readable record) and, on PostgreSQL, `search_vector` (an expression: save() or update() writes it;
    with `bulk`, the same vector as text for bulk_create)."""
    words = weighted_words(listing, with_dictionary=with_dictionary)
    fields: dict = {"search_document": " ".join(w for w in words.values() if w)}
    if connection.vendor == "postgresql":
        fields["search_vector"] = tsvector_literal(words) if bulk else weighted_vector(words)
    return fields


def weighted_vector(words: dict[str, str]) -> SearchVector:
    """setweight(to_tsvector('simple', A-words), 'A') || … || setweight(…, 'D')."""
    vector = None
    for weight in WEIGHTS:
        part = SearchVector(Value(words.get(weight, ""), output_field=TextField()), config="simple", weight=weight)
        vector = part if vector is None else vector + part
    return vector


def tsvector_literal(words: dict[str, str]) -> str:
    """The same tsvector as `weighted_vector(words)`, as tsvector input text ("'萝卜':1A 'luobo':2A …"):
    for bulk loads, where compiling four expressions a row costs more than the rows
    (catalog/tests/test_search.py checks both give the same vector). Positions run on across the
    weights like `||` shifts them; words are only [0-9a-z] and CJK characters (search_text's WORD)."""
    entries = []
    offset = 0
    for weight in WEIGHTS:
        tokens = words.get(weight, "").split()
        label = "" if weight == "D" else weight
        entries.extend(f"'{token}':{offset + i}{label}" for i, token in enumerate(tokens, start=1) if i < 16_384)
        offset += min(len(tokens), 16_383)
    return " ".join(entries)


def search_document(parts) -> str:
    """Every word of some texts, unweighted (kept for callers of the first search; new code uses
    `listing_search_fields`)."""
    from catalog.search_text import document_words

    return " ".join(document_words(parts))


# --- queries ------------------------------------------------------------------------------------


def query_terms(query: str) -> list[QueryWord]:
    """The query's words, each with its alternatives (see catalog/search_text.py)."""
    return query_words(query, max_length=MAX_QUERY_LENGTH)


def _tsquery(words: list[QueryWord], weights: str = "") -> str:
    """A to_tsquery('simple', …) text: every word required, any of its alternatives. Lexemes are only
    [0-9a-z] and CJK characters (search_text's WORD), quoted all the same."""
    required = []
    for word in words:
        alternatives = []
        for alternative in word.alternatives:
            star = "*" if word.prefix and len(alternative) == 1 else ""
            label = f":{star}{weights}" if star or weights else ""
            alternatives.append(" & ".join(f"'{lexeme}'{label}" for lexeme in alternative))
        required.append("(" + " | ".join(f"({a})" for a in alternatives) + ")")
    return " & ".join(required)


def search_query(query: str, *, weights: str = "") -> SearchQuery | None:
    """The query as PostgreSQL's tsquery (None when nothing in it is searchable)."""
    words = query_terms(query)
    if not words:
        return None
    return SearchQuery(_tsquery(words, weights), search_type="raw", config="simple")


def search_products(query: str, *, queryset: QuerySet | None = None, ranked: bool = True) -> QuerySet:
    """The listings matching `query` (see the module's docstring for the contract)."""
    from catalog.models import Product

    base = Product.objects.public() if queryset is None else queryset
    words = query_terms(query)
    if not words:  # punctuation or control characters only: nothing to search for, nothing matches
        nothing = base.none()
        # A ranked search's caller orders by `rank` (catalog.selectors.product_list): the empty set has it too.
        return nothing.annotate(rank=Value(0.0, output_field=FloatField())) if ranked else nothing
    if connection.vendor != "postgresql":
        return search_document_contains(base, words)
    ts = SearchQuery(_tsquery(words), search_type="raw", config="simple")
    # The vector and the document (~2 KB a listing) stay in the database: a page never shows them.
    matches = base.filter(search_vector=ts).defer("search_vector", "search_document")
    if not ranked:
        return matches
    title_ts = SearchQuery(_tsquery(words, "AB"), search_type="raw", config="simple")
    ids = _candidates(matches, base.filter(search_vector=title_ts))
    return (
        matches.filter(pk__in=ids)
        .annotate(rank=SearchRank(F("search_vector"), ts, cover_density=True))
        .order_by("-rank", "-sales_count", "-id")
    )


def search_document_contains(queryset: QuerySet, words: list[QueryWord]) -> QuerySet:
    """SQLite: each word (any alternative, all its lexemes) inside the search document."""
    condition = Q()
    for word in words:
        any_of = Q()
        for alternative in word.alternatives:
            every = Q()
            for lexeme in alternative:
                every &= Q(search_document__icontains=lexeme)
            any_of |= every
        condition &= any_of
    return queryset.filter(condition)


def _candidates(matches: QuerySet, title_matches: QuerySet) -> list[int]:
    """Ids of the best-selling SEARCH_CANDIDATES matches in a title, category or SKU name, then of the
    other matches: the set that gets ranked. Cached briefly per query and filters and per newest listing id (a new
    listing is found at once); the page re-checks visibility and the match on every request, so a listing
    delisted or retitled away drops at once; sales order and listings retitled into the match show within
    SEARCH_CANDIDATES_SECONDS."""
    order = ("-sales_count", "-id")
    titled = title_matches.order_by(*order).annotate(part=Value(0)).values_list("part", "sales_count", "id")
    best = matches.order_by(*order).annotate(part=Value(1)).values_list("part", "sales_count", "id")
    # One statement: PostgreSQL runs UNION ALL's parts in turn and stops at the LIMIT, so a common word's
    # title matches fill the set in one walk of the best-selling index and the second part never runs.
    both = titled[:SEARCH_CANDIDATES].union(best[:SEARCH_CANDIDATES], all=True)[:SEARCH_CANDIDATES]
    sql, params = both.query.sql_with_params()
    newest = matches.model.objects.aggregate(newest=Max("id"))["newest"]  # the primary key's index: ~0.1 ms
    key = "catalog:search:" + hashlib.blake2b(f"{sql}|{params}|{newest}".encode(), digest_size=16).hexdigest()
    try:
        ids = cache.get(key)
    except RedisError:
        ids = None
    if ids is None:
        rows = sorted(both, key=lambda row: (row[0], -row[1], -row[2]))
        ids = list(dict.fromkeys(row[2] for row in rows))
        with contextlib.suppress(RedisError):
            cache.set(key, ids, SEARCH_CANDIDATES_SECONDS)
    return ids
