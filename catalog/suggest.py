"""Suggestions while typing, popular queries and "did you mean".

- Terms (catalog.models.SearchTerm): the words and short phrases of the titles on sale and the category
  names, each with how many listings carry it, rebuilt periodically (`search_terms_rebuild`, beat); and the
  queries buyers search that found something, with how often (`popular_queries_flush`).
- A suggestion is a prefix look-up on the term, its pinyin ("luo", "luo bo", "luo2bo5") or its initials
  ("lb" → 萝卜) through btree pattern indexes: one small query, cached briefly per prefix and language;
  terms in the buyer's language first.
- Recording a query is one Redis ZINCRBY (a sorted set per language), flushed into SearchTerm in bulk by
  beat; without Redis (the embedded SQLite default) a per-process counter flushed every POPULAR_BUFFER
  queries, so the database sees one bulk write per batch, never one per search.
- "Did you mean": the nearest term that has listings, by trigram similarity on the term and its pinyin
  (pg_trgm's GIN indexes on PostgreSQL; difflib over a bounded candidate list elsewhere).
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import heapq
import re
import threading
import time
import unicodedata
from collections import Counter

import jieba
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from pypinyin import Style, lazy_pinyin
from redis.exceptions import RedisError

from catalog.models import Category, Product, SearchTerm
from catalog.search import MAX_QUERY_LENGTH, jieba_warm_up
from common.cache import raw_redis

MAX_SUGGESTIONS = 8
# A popular query counts this many times a listing's word when they are ranked together.
QUERY_WEIGHT = 50
# A query is suggested once this many searches found something with it.
POPULAR_MIN = 2
POPULAR_BUFFER = 50
MAX_TERMS = 50_000
# Cache keys start with it (tests give each test its own).
SUGGEST_KEY = "catalog:suggest:"
_CJK = re.compile(r"[\u3400-\u9fff]")
_CJK_WORD = re.compile(r"^[\u3400-\u9fff]{2,8}$")
_CJK_RUNS = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z]{3,20}")
_TERM_MAX = SearchTerm._meta.get_field("term").max_length


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits to ASCII), lower case, single spaces, at most MAX_QUERY_LENGTH."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())[:MAX_QUERY_LENGTH]


def language_of(code: str | None) -> str:
    """ "zh" or "en" from a Django language code (zh-hans, en)."""
    return "en" if (code or "").startswith("en") else "zh"


def _ascii_key(text: str) -> str:
    """What pinyin is compared with: no spaces, apostrophes or tone numbers ("luo2 bo5" → "luobo")."""
    return re.sub(r"[\s'0-9]+", "", text)


def term_pinyin(term: str) -> tuple[str, str]:
    """(pinyin, initials) of a term: ("luobo", "lb") for 萝卜; (the term, "") for a word without Chinese."""
    if not _CJK.search(term):
        return _ascii_key(term)[:120], ""
    syllables = [s for s in lazy_pinyin(term) if s.strip()]
    initials = lazy_pinyin(term, style=Style.FIRST_LETTER)
    return "".join(syllables)[:120].lower(), "".join(i for i in initials if i.strip())[:60].lower()


def _term(text: str, *, source: str, weight: int) -> SearchTerm:
    pinyin, initials = term_pinyin(text)
    language = "zh" if _CJK.search(text) else "en"
    return SearchTerm(term=text, pinyin=pinyin, initials=initials, language=language, source=source, weight=weight)


# --- suggestions --------------------------------------------------------------------------------------


def suggestions(query: str, *, language: str) -> list[dict]:
    """Up to MAX_SUGGESTIONS completions of what the buyer has typed: [{text, source}], the buyer's language
    first, then by how many listings carry the term (popular queries count QUERY_WEIGHT times).

    Read from a per-process index of the terms (sorted keys, bisected): microseconds, no query. It reloads
    when the terms change (rebuild, flush: a version in the cache, one GET per call) or SUGGEST_RELOAD_SECONDS
    pass; `_suggestions_read` is the same read in SQL, the reference."""
    typed = normalize(query)
    if not typed:
        return []
    return _current_index().lookup(typed, language=language)


SUGGEST_RELOAD_SECONDS = 300


class _Index:
    """Every suggestible term in memory, with sorted (key, row) lists for the term, its pinyin, its initials."""

    def __init__(self, version) -> None:
        self.version = version
        self.loaded_at = time.monotonic()
        self.rows = list(
            SearchTerm.objects.exclude(source=SearchTerm.Source.QUERY, weight__lt=POPULAR_MIN).values_list(
                "term", "pinyin", "initials", "language", "source", "weight"
            )
        )
        self.scores = [w * QUERY_WEIGHT if src == SearchTerm.Source.QUERY else w for *_, src, w in self.rows]
        self.keys = {
            column: sorted((row[index], i) for i, row in enumerate(self.rows) if row[index])
            for column, index in (("term", 0), ("pinyin", 1), ("initials", 2))
        }

    def _prefixed(self, column: str, prefix: str) -> list[int]:
        keys = self.keys[column]
        start = bisect.bisect_left(keys, (prefix, -1))
        end = bisect.bisect_left(keys, (prefix + "\U0010ffff", -1))
        return [i for _, i in keys[start:end]]

    def lookup(self, typed: str, *, language: str) -> list[dict]:
        found = set(self._prefixed("term", typed))
        if not _CJK.search(typed):
            letters = _ascii_key(typed)
            if letters:
                found.update(self._prefixed("pinyin", letters))
                if len(letters) <= 6 and " " not in typed:
                    found.update(self._prefixed("initials", letters))
        rows, scores = self.rows, self.scores
        best = heapq.nsmallest(
            MAX_SUGGESTIONS * 2, found, key=lambda i: (rows[i][3] != language, -scores[i], rows[i][0])
        )
        seen: dict[str, dict] = {}
        for i in best:
            term, source = rows[i][0], rows[i][4]
            if term != typed and term not in seen:
                seen[term] = {"text": term, "source": source}
        return list(seen.values())[:MAX_SUGGESTIONS]


_index: _Index | None = None
_index_lock = threading.Lock()


def _version_key() -> str:
    return SUGGEST_KEY + "version"


def _terms_changed() -> None:
    with contextlib.suppress(RedisError):
        cache.set(_version_key(), time.time_ns(), None)


def _current_index() -> _Index:
    global _index
    version = None
    with contextlib.suppress(RedisError):
        version = (SUGGEST_KEY, cache.get(_version_key()))
    index = _index
    if index is None or index.version != version or time.monotonic() - index.loaded_at > SUGGEST_RELOAD_SECONDS:
        with _index_lock:
            index = _index = _Index(version)
    return index


def _suggestions_read(typed: str, *, language: str) -> list[dict]:
    matches = Q(term__startswith=typed)
    if not _CJK.search(typed):
        letters = _ascii_key(typed)
        if letters:
            matches |= Q(pinyin__startswith=letters)
            if len(letters) <= 6 and " " not in typed:
                matches |= Q(initials__startswith=letters)
    rows = (
        SearchTerm.objects.filter(matches)
        .exclude(source=SearchTerm.Source.QUERY, weight__lt=POPULAR_MIN)
        .annotate(
            mine=Case(When(language=language, then=Value(1)), default=Value(0), output_field=IntegerField()),
            score=Case(
                When(source=SearchTerm.Source.QUERY, then=F("weight") * QUERY_WEIGHT),
                default=F("weight"),
                output_field=IntegerField(),
            ),
        )
        .order_by("-mine", "-score", "term")
        .values_list("term", "source")[: MAX_SUGGESTIONS * 2]
    )
    seen: dict[str, dict] = {}
    for term, source in rows:
        if term != typed and term not in seen:
            seen[term] = {"text": term, "source": source}
    return list(seen.values())[:MAX_SUGGESTIONS]


# --- popular queries ------------------------------------------------------------------------------------

_buffer: Counter = Counter()
_buffer_lock = threading.Lock()


def _popular_key(language: str) -> str:
    return cache.make_key(f"{SUGGEST_KEY}popular:{language}")


def query_record(query: str, *, language: str) -> None:
    """Counts a search that found something: one ZINCRBY, or a per-process counter without Redis."""
    typed = normalize(query)
    if not typed or len(typed) > _TERM_MAX:
        return
    client = raw_redis()
    if client is not None:
        with contextlib.suppress(RedisError):
            client.zincrby(_popular_key(language), 1, typed)
        return
    with _buffer_lock:
        _buffer[(language, typed)] += 1
        full = sum(_buffer.values()) >= POPULAR_BUFFER
    if full:
        popular_queries_flush()


def _drain() -> Counter:
    counts: Counter = Counter()
    client = raw_redis()
    if client is not None:
        for language in ("zh", "en"):
            key = _popular_key(language)
            draining = f"{key}:flushing"
            try:
                client.rename(key, draining)  # atomic: searches from now on count in a new set
            except RedisError:
                continue  # nothing to flush (no such key) or Redis down
            with contextlib.suppress(RedisError):
                for member, score in client.zrange(draining, 0, -1, withscores=True):
                    counts[(language, member.decode())] += int(score)
                client.delete(draining)
    with _buffer_lock:
        counts.update(_buffer)
        _buffer.clear()
    return counts


def popular_queries_flush() -> int:
    """Adds the queries counted since the last flush into SearchTerm in bulk (two statements); how many."""
    counts = _drain()
    if not counts:
        return 0
    totals: Counter = Counter()
    for (_language, typed), n in counts.items():
        totals[typed] += n
    with transaction.atomic():
        existing = dict(
            SearchTerm.objects.filter(source=SearchTerm.Source.QUERY, term__in=list(totals)).values_list(
                "term", "weight"
            )
        )
        rows = [_term(t, source=SearchTerm.Source.QUERY, weight=existing.get(t, 0) + n) for t, n in totals.items()]
        SearchTerm.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["source", "term"], update_fields=["weight", "updated_at"]
        )
    _terms_changed()
    return len(rows)


# --- rebuilding the terms from the catalogue -------------------------------------------------------------


def _title_words(run: str, memo: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The words jieba finds in a run of Chinese characters (as search segments them), memoised: titles
    repeat their runs (places, products), so a million titles segment in seconds."""
    words = memo.get(run)
    if words is None:
        jieba_warm_up()
        words = tuple(w for w in jieba.cut_for_search(run) if _CJK_WORD.match(w))
        if len(memo) < 200_000:
            memo[run] = words
    return words


def search_terms_rebuild() -> int:
    """Replaces the title and category terms with the catalogue's current words (how many listings carry
    each): the Chinese words of the titles, their Chinese phrases, their English words, and category names
    in both languages. One pass over the titles on sale; MAX_TERMS kept."""
    words: Counter = Counter()
    memo: dict[str, tuple[str, ...]] = {}
    for title in Product.objects.public().values_list("title", flat=True).iterator(chunk_size=5000):
        lowered = unicodedata.normalize("NFKC", title).lower()
        found = set(_LATIN_WORD.findall(lowered))
        for run in _CJK_RUNS.findall(lowered):
            found.update(_title_words(run, memo))
            if 3 <= len(run) <= 16:
                found.add(run)
        words.update(found)
    rows = [_term(w, source=SearchTerm.Source.TITLE, weight=n) for w, n in words.most_common(MAX_TERMS)]
    per_category = dict(Product.objects.public().values_list("category_id").annotate(n=Count("id")).order_by())
    categories = []
    for category in Category.objects.all():
        n = per_category.get(category.id, 0) + sum(per_category.get(c.id, 0) for c in category.children.all())
        for name in {category.name, (category.name_en or "").lower()} - {""}:
            categories.append(_term(name[:_TERM_MAX], source=SearchTerm.Source.CATEGORY, weight=max(n, 1)))
    with transaction.atomic():
        SearchTerm.objects.exclude(source=SearchTerm.Source.QUERY).delete()
        SearchTerm.objects.bulk_create(rows, batch_size=2000)
        SearchTerm.objects.bulk_create(categories, batch_size=2000, ignore_conflicts=True)
    _terms_changed()
    return len(rows) + len(categories)


# --- did you mean -----------------------------------------------------------------------------------------


def did_you_mean(query: str, *, language: str, exclude: str = "") -> list[str]:
    """Up to three terms near what was typed that have listings (titles and categories), nearest first."""
    typed = normalize(query)
    if not typed:
        return []
    letters = _ascii_key(term_pinyin(typed)[0]) if _CJK.search(typed) else _ascii_key(typed)
    terms = SearchTerm.objects.exclude(source=SearchTerm.Source.QUERY).exclude(term=typed)
    if connection.vendor == "postgresql":
        candidates = _trigram_candidates(typed, letters)
    else:
        first = letters[:1] or typed[:1]
        candidates = list(
            terms.filter(Q(pinyin__startswith=first) | Q(term__startswith=typed[:1]))
            .order_by("-weight")
            .values_list("term", "pinyin", "weight")[:2000]
        )

    def nearness(row) -> float:
        term, pinyin, _weight = row
        by_text = difflib.SequenceMatcher(None, typed, term).ratio()
        by_sound = difflib.SequenceMatcher(None, letters, pinyin).ratio() if letters and pinyin else 0.0
        return max(by_text, by_sound)

    ranked = sorted(
        (row for row in candidates if row[0] not in (typed, exclude) and nearness(row) >= 0.6),
        key=lambda row: (-nearness(row), -row[2]),
    )
    picked: list[str] = []
    for term, _pinyin, _weight in ranked:
        if term not in picked:
            picked.append(term)
    return picked[:3]


def _trigram_candidates(typed: str, letters: str) -> list[tuple[str, str, int]]:
    """Terms whose text or pinyin shares enough trigrams with the query (pg_trgm's `%` on GIN indexes)."""
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    sql = (
        f"SELECT term, pinyin, weight FROM {table} "  # noqa: S608 - the model's table name only
        "WHERE source <> %s AND (term %% %s OR (%s <> '' AND pinyin %% %s)) "
        "ORDER BY GREATEST(similarity(term, %s), similarity(pinyin, %s)) DESC, weight DESC LIMIT 30"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [SearchTerm.Source.QUERY, typed, letters, letters, typed, letters])
        return cursor.fetchall()
