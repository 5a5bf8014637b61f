"""The words search indexes and looks for: one normalisation for listings and queries.

- Normalised first: NFKC (full-width ＬＵＯＢＯ１２ → luobo12), lower case, traditional characters and variants
  → simplified (zhconv: 蘿蔔 → 萝卜).
- Chinese: jieba's words (search mode for listings), each with its pinyin (萝卜 → luobo); a title's characters
  and character pairs too, so a word from the middle of a title is found whatever jieba made of it.
- English: each word and its Snowball stem (radishes → radish).
- English ⇄ Chinese: catalog/search_data/dictionary.json, CC-CEDICT restricted to the catalogue's words
  (`manage.py search_dictionary` rebuilds it): a Chinese word brings its English glosses, an English word
  its Chinese words, both into the lowest-weight part of the listing's vector (expanded when indexing: a
  query stays as short as the buyer typed it).
- Queries: pinyin typed with spaces ("luo bo") or tone numbers ("luo2bo5") also as the joined word; a
  Latin word the catalogue does not know (one typo: "luobu") also as the known words one edit away.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
import snowballstemmer
import zhconv
from pypinyin import lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[0-9a-z\u3400-\u9fff]+")
LATIN = re.compile(r"[a-z]+")
# Pinyin with tone numbers: "luo2bo5", "luo2bo".
TONED = re.compile(r"(?:[a-z]+[0-5])+[a-z]*")
DICTIONARY_PATH = Path(__file__).parent / "search_data" / "dictionary.json"
# How many words a query keeps (a longer one is cut here, after the page's length limit).
MAX_QUERY_WORDS = 8

_lock = threading.Lock()
_jieba_ready = False
_stemmers = threading.local()


def jieba_ready() -> None:
    """Loads jieba's dictionary once per process (about a second), not per request."""
    global _jieba_ready
    if not _jieba_ready:
        with _lock:
            if not _jieba_ready:
                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba_ready = True


def normalize(text: str) -> str:
    """NFKC, lower case, simplified characters: what both a listing and a query are read as."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    if CJK.search(text):
        text = zhconv.convert(text, "zh-cn")
    return text


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Snowball English stem of a Latin word (radishes → radish); other words as they are."""
    if not LATIN.fullmatch(word) or len(word) < 3:
        return word
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:  # Snowball's stemmers keep state while they work: one per thread
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(word)


@functools.lru_cache(maxsize=50_000)
def pinyin(word: str) -> str:
    """萝卜 → luobo (no tones, ü as v)."""
    return "".join(lazy_pinyin(word, errors="ignore")).replace("ü", "v")


@functools.cache
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (about 400), from pypinyin's table."""
    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            plain = "".join(ch for ch in unicodedata.normalize("NFD", reading) if not unicodedata.combining(ch))
            found.add(plain.replace("ü", "v").lower())
    return frozenset(found)


def is_pinyin(text: str) -> bool:
    """Whether Latin letters split into pinyin syllables ("luobo", "xiangchang")."""
    return _splits(text)


@functools.lru_cache(maxsize=10_000)
def _splits(text: str) -> bool:
    if not text:
        return True
    syllables = pinyin_syllables()
    return any(text[:n] in syllables and _splits(text[n:]) for n in range(min(6, len(text)), 0, -1))


@dataclass(frozen=True)
class Dictionary:
    """CC-CEDICT restricted to the catalogue: Chinese word → English words, English stem → Chinese words,
    and the Latin words the catalogue knows (pinyin of its Chinese words and its English words, for typos)."""

    zh_en: dict[str, list[str]]
    en_zh: dict[str, list[str]]
    known: frozenset[str]


@functools.cache
def dictionary() -> Dictionary:
    try:
        data = json.loads(DICTIONARY_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data = {}
    zh_en = data.get("zh_en", {})
    en_zh = data.get("en_zh", {})
    known = {pinyin(word) for word in zh_en} | set(data.get("latin", []))
    known |= {word for glosses in zh_en.values() for gloss in glosses for word in gloss.split()}
    return Dictionary(zh_en=zh_en, en_zh=en_zh, known=frozenset(w for w in known if len(w) >= 2))


@functools.cache
def _one_deletion_index() -> dict[str, tuple[str, ...]]:
    """Every known Latin word under each of its one-letter deletions (and itself): typo look-ups in O(length)."""
    index: dict[str, set[str]] = {}
    for word in dictionary().known:
        for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
            index.setdefault(variant, set()).add(word)
    return {key: tuple(sorted(words)) for key, words in index.items()}


def one_edit_away(word: str) -> list[str]:
    """Known Latin words one edit (insert, delete, substitute, swap) from `word` (none for a known word
    shorter than 6 letters: "honey" is not "money")."""
    if len(word) < 4 or (len(word) < 6 and word in dictionary().known):
        return []
    found = _known_one_edit_away(word)
    if not found and not is_pinyin(word):
        found = _pinyin_with_one_word_repaired(word)
    return sorted(found)[:4]


def _known_one_edit_away(word: str) -> set[str]:
    index = _one_deletion_index()
    found: set[str] = set()
    for variant in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
        found.update(index.get(variant, ()))
    return {w for w in found if w != word and _one_edit(word, w)}


def _pinyin_with_one_word_repaired(word: str) -> set[str]:
    """A longer word's pinyin with the typo in one known word of it: "yanluubo" (腌萝卜, a word the dictionary
    does not have) is pinyin "yan" and "luubo", one edit from the known "luobo": "yanluobo"."""
    found = set()
    for i in range(2, len(word) - 1):
        head, tail = word[:i], word[i:]
        if is_pinyin(head) and len(tail) >= 4:
            found.update(head + w for w in _known_one_edit_away(tail))
        if is_pinyin(tail) and len(head) >= 4:
            found.update(w + tail for w in _known_one_edit_away(head))
    return {w for w in found if is_pinyin(w)}


def _one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


# --- listings -----------------------------------------------------------------------------------


def _chinese_words(chunk: str, *, for_index: bool) -> list[str]:
    jieba_ready()
    cut = jieba.cut_for_search(chunk) if for_index else jieba.cut(chunk)
    return [w for w in cut if w.strip()]


def document_words(parts: Iterable[str], *, ngrams: bool = False, glosses: list[str] | None = None) -> list[str]:
    """The indexed words of some text: Chinese words and their pinyin (and whole phrases in pinyin, so
    "luobogan" finds 萝卜干), Latin words and their stems; with `ngrams`, each Chinese character and
    character pair too (titles). Glosses from the dictionary are appended to `glosses`."""
    seen: dict[str, None] = {}
    table = dictionary() if glosses is not None else None
    for part in parts:
        chunks = WORD.findall(normalize(part or ""))
        for chunk in chunks:
            if CJK.search(chunk):
                for word in _chinese_words(chunk, for_index=True):
                    seen.setdefault(word, None)
                    if CJK.search(word):
                        seen.setdefault(pinyin(word), None)
                        if table is not None:
                            glosses.extend(table.zh_en.get(word, ()))
                if len(chunk) <= 12:
                    seen.setdefault(pinyin(chunk), None)
                if ngrams:  # titles: also the pinyin of each two adjacent words (腌 萝卜 → yanluobo)
                    cut = _chinese_words(chunk, for_index=False)
                    for first, second in itertools.pairwise(cut):
                        seen.setdefault(pinyin(first + second), None)
                    for i in range(len(chunk)):
                        seen.setdefault(chunk[i], None)
                        if i + 1 < len(chunk):
                            seen.setdefault(chunk[i : i + 2], None)
            else:
                seen.setdefault(chunk, None)
                seen.setdefault(stem(chunk), None)
        if table is not None:
            latin = [w for c in chunks if not CJK.search(c) for w in LATIN.findall(c)]
            for i, word in enumerate(latin):  # single words and two-word phrases ("dining table")
                glosses.extend(table.en_zh.get(stem(word), ()))
                if i + 1 < len(latin):
                    glosses.extend(table.en_zh.get(f"{stem(word)} {stem(latin[i + 1])}", ()))
    return list(seen)


@dataclass(frozen=True)
class ListingText:
    """What describes a listing, by weight: title (A), category and SKU names (B), shop and origin (C),
    description (D)."""

    title: str
    category: list[str]
    skus: list[str]
    shop: str
    origin: list[str]
    description: str


def weighted_words(listing: ListingText, *, with_dictionary: bool = True) -> dict[str, str]:
    """{"A": words, "B": …, "C": …, "D": …}: the space-separated words of each weight. D also holds the
    dictionary's translations of every part's words (English glosses of Chinese words and the reverse)."""
    a, ga = _part_words((listing.title,), True, with_dictionary)
    b, gb = _part_words((*listing.category, *listing.skus), False, with_dictionary)
    c, gc = _part_words((listing.shop, *listing.origin), False, with_dictionary)
    d, gd = _part_words((listing.description,), False, with_dictionary)
    # The title's translations weigh more than the other parts' ("dress" finds 连衣裙 in a title before a
    # shirt whose category, 服装, CC-CEDICT also glosses as "dress").
    if ga:
        c = c + tuple(w for w in document_words(ga) if w not in c)
    if gb or gc or gd:
        d = d + tuple(w for w in document_words([*gb, *gc, *gd]) if w not in d)
    return {"A": " ".join(a), "B": " ".join(b), "C": " ".join(c), "D": " ".join(d)}


@functools.lru_cache(maxsize=20_000)
def _part_words(parts: tuple[str, ...], ngrams: bool, with_dictionary: bool) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cached: bulk loads repeat shop names, categories and titles."""
    glosses: list[str] | None = [] if with_dictionary else None
    words = document_words(parts, ngrams=ngrams, glosses=glosses)
    return tuple(words), tuple(glosses or ())


# --- queries ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: it matches if any of its alternatives does; an alternative is a tuple of
    lexemes that must all be there (a Chinese word's character pairs, pinyin typed with spaces)."""

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False  # its single-lexeme alternatives match as prefixes


def query_words(query: str, *, max_length: int) -> list[QueryWord]:
    """The words of a query, each with its alternatives; empty when nothing in it is searchable."""
    chunks = WORD.findall(normalize(query[:max_length]))
    tokens: list[str] = []
    for chunk in chunks:
        if CJK.search(chunk):
            tokens.extend(_chinese_words(chunk, for_index=False))
        else:
            tokens.append(chunk)
    words: list[QueryWord] = []
    i = 0
    while i < len(tokens) and len(words) < MAX_QUERY_WORDS:
        token = tokens[i]
        if CJK.search(token):
            alternatives = [(token,)]
            if len(token) >= 3:
                alternatives.append(tuple(token[j : j + 2] for j in range(len(token) - 1)))
            words.append(QueryWord(tuple(alternatives)))
            i += 1
            continue
        # A run of Latin tokens that are pinyin ("luo bo", "luo2 bo5"): also the joined word.
        run = []
        while i + len(run) < len(tokens) and not CJK.search(tokens[i + len(run)]):
            run.append(tokens[i + len(run)])
        plain = [_untoned(t) for t in run]
        if len(run) > 1 and all(is_pinyin(p) and p for p in plain):
            joined = "".join(plain)
            words.append(
                QueryWord(((*plain,), *((w,) for w in _latin_forms(joined))), prefix=i + len(run) == len(tokens))
            )
            i += len(run)
            continue
        # Latin words of 4 letters or more match as prefixes ("face" finds "facial"), the last one from 3
        # (still being typed).
        prefix = len(plain[0]) >= 4 or (i + 1 == len(tokens) and len(plain[0]) >= 3)
        words.append(QueryWord(tuple((w,) for w in _latin_forms(plain[0])), prefix=prefix))
        i += 1
    return words


def _untoned(token: str) -> str:
    if TONED.fullmatch(token):
        plain = re.sub(r"[0-5]", "", token)
        if is_pinyin(plain):
            return plain
    return token


def _latin_forms(word: str) -> list[str]:
    """The word, its stem, the singular of "-ves" plurals (bookshelves → bookshelf, which Snowball leaves
    as "bookshelv"), and known words one edit away: for an unknown word (a typo), or a long known one
    (spellings: chilli → chili)."""
    forms = [word]
    if stem(word) != word:
        forms.append(stem(word))
    if word.endswith("ves") and len(word) > 4:
        forms += [word[:-3] + "f", word[:-3] + "fe"]
    forms.extend(one_edit_away(word))
    return list(dict.fromkeys(forms))
