"""Chinese-aware search: jieba segments, pypinyin adds pinyin, PostgreSQL's `simple` config indexes them."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

import jieba
from pypinyin import lazy_pinyin

_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff]+")
_lock = threading.Lock()
# The longest query searched (the page and the API refuse longer ones, saying so).
MAX_QUERY_LENGTH = 100
_ready = False


def _jieba_ready() -> None:
    """Loads jieba's dictionary once per process (about a second), not per request."""
    global _ready
    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _ready = True


def _tokens(text: str, *, for_index: bool) -> list[str]:
    _jieba_ready()
    words: list[str] = []
    for chunk in _WORD.findall(text.lower()):
        if _CJK.search(chunk):
            cut = jieba.cut_for_search(chunk) if for_index else jieba.cut(chunk)
            words.extend(w for w in cut if w.strip())
        else:
            words.append(chunk)
    return words


def jieba_warm_up() -> None:
    """Loads jieba's dictionary now (about a second), so the first search after start-up is not slow."""
    _jieba_ready()


def search_document(parts: Iterable[str]) -> str:
    """Words of every part, with the pinyin of each Chinese word ("萝卜" → "萝卜 luobo")."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in _tokens(part or "", for_index=True):
            seen.setdefault(word, None)
            if _CJK.search(word):
                seen.setdefault("".join(lazy_pinyin(word)), None)
        # Whole phrases in pinyin too, so "luobogan" finds 萝卜干.
        for chunk in _WORD.findall((part or "").lower()):
            if _CJK.search(chunk) and len(chunk) <= 12:
                seen.setdefault("".join(lazy_pinyin(chunk)), None)
    return " ".join(seen)


def query_terms(query: str) -> list[str]:
    """The query segmented like the documents; each term must match (a prefix match for the last)."""
    terms: list[str] = []
    for word in _tokens(query[:MAX_QUERY_LENGTH], for_index=False):
        if word not in terms:
            terms.append(word)
    return terms[:8]


def tsquery(terms: list[str]) -> str:
    """A to_tsquery('simple', …) string: every term required, each also as a prefix."""
    return " & ".join(f"{term}:*" for term in terms)
