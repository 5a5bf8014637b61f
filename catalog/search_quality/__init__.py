"""Search quality: a labelled query set over the demo catalogue plus a generated one, and its measures.

The catalogue: the demo shops' 16 products (marketplace/demo_shops.py, passed in by the caller),
42 generated Chinese-only listings (demo_catalog's words × 3 provinces) and 5 English-only ones. Every
listing is tagged with what it is (a concept: radish, sausage…); a query about a concept expects every
listing of that concept, a query for a word from the middle of a title every title that holds it, a
two-word query the concept from that province.

Query kinds: chinese, chinese_middle, pinyin (joined "luobo"), pinyin_spaced ("luo bo"), pinyin_tones
("luo2bo5"), english, traditional (蘿蔔), fullwidth (ＬＵＯＢＯ), two_words (湖南 腊肠), typo (one letter of a
pinyin syllable or an English word).

Measures: recall@3 = expected listings in the first 3 ÷ min(3, expected); nDCG@10 with binary relevance.
`make search-quality` prints them by kind, with and without the dictionary;
catalog/tests/test_search_quality.py fails when they drop below FLOORS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from pypinyin import Style, lazy_pinyin

# (concept, Chinese word, English words a buyer types, extra English forms)
CONCEPTS = [
    ("radish", "萝卜", ["radish", "radishes", "pickled radish"]),
    ("sausage", "腊肠", ["sausage", "sausages"]),
    ("tofu", "豆腐干", ["dried tofu", "tofu"]),
    ("bacon", "腊肉", ["bacon"]),
    ("lipstick", "口红", ["lipstick", "lipsticks"]),
    ("dress", "连衣裙", ["dress", "dresses"]),
    ("stool", "板凳", ["stool", "stools"]),
    ("table", "餐桌", ["dining table", "table"]),
    ("tea", "茶叶", ["tea"]),
    ("honey", "蜂蜜", ["honey"]),
    ("cream", "面霜", ["face cream", "cream"]),
    ("bookshelf", "书架", ["bookshelf", "bookshelves"]),
    ("chilli", "辣椒酱", ["chilli sauce", "chili sauce"]),
    ("noodles", "米粉", ["rice noodles"]),
    ("shirt", "衬衫", ["shirt", "linen shirt"]),
    ("chair", "餐椅", ["dining chair", "chair"]),
    ("perfume", "香水", ["perfume", "eau de toilette"]),
    ("hanfu", "汉服", ["hanfu"]),
]
# The demo's products by title → concept.
DEMO_CONCEPTS = {
    "湖南农家腌萝卜": "radish",
    "农家烟熏腊肠": "sausage",
    "手工五香豆腐干": "tofu",
    "湘西腊肉": "bacon",
    "实木小板凳": "stool",
    "原木餐桌": "table",
    "实木书架": "bookshelf",
    "实木靠背餐椅": "chair",
    "碎花连衣裙": "dress",
    "改良汉服上衣": "hanfu",
    "男士亚麻衬衫": "shirt",
    "丝绒哑光口红": "lipstick",
    "玫瑰保湿面霜": "cream",
    "桂花淡香水": "perfume",
    "景迈山普洱熟茶饼": "tea",
    "野生土蜂蜜": "honey",
}
GENERATED_PROVINCES = [("湖南", "长沙"), ("浙江", "杭州"), ("云南", "昆明")]
GENERATED_WORDS = {  # demo_catalog.WORDS' Chinese words → concept
    "腌萝卜": "radish",
    "腊肠": "sausage",
    "豆腐干": "tofu",
    "腊肉": "bacon",
    "口红": "lipstick",
    "连衣裙": "dress",
    "板凳": "stool",
    "餐桌": "table",
    "茶叶": "tea",
    "蜂蜜": "honey",
    "面霜": "cream",
    "书架": "bookshelf",
    "辣椒酱": "chilli",
    "米粉": "noodles",
}
# The generated listings' categories, like a seller would file them.
CATEGORY_OF = {
    "radish": "pickles", "sausage": "cured-meat", "tofu": "tofu", "bacon": "cured-meat", "lipstick": "lipstick",
    "dress": "womens", "stool": "chairs", "table": "tables", "tea": "tea", "honey": "honey", "cream": "skincare",
    "bookshelf": "cabinets", "chilli": "pickles", "noodles": "rice-grain",
}  # fmt: skip
ENGLISH_ONLY = [  # (title, concept, province): found by Chinese queries through the dictionary
    ("Organic Mountain Honey Jar", "honey", "四川"),
    ("Handmade Wooden Stool", "stool", "四川"),
    ("Spicy Pickled Radish", "radish", "四川"),
    ("Walnut Dining Table", "table", "四川"),
    ("Smoked Pork Sausage Links", "sausage", "四川"),
]
ADJECTIVES = ["农家", "手工", "特级"]
FLOORS_PATH = "catalog/search_quality/floors.json"


@dataclass
class Listing:
    key: str
    title: str
    concept: str
    province: str
    category: str = "pickles"
    description: str = ""
    skus: list[str] = field(default_factory=lambda: ["标准装"])


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    expected: frozenset[str]


def listings(demo_shops) -> list[Listing]:
    """The labelled catalogue: `demo_shops` is marketplace.demo_shops.SHOPS (passed in: catalog sits below
    the project's demo in the layering) and the generated listings."""
    found = []
    for shop in demo_shops:
        for product in shop.products:
            chinese = product.title.split(" ")[0]
            found.append(
                Listing(
                    key=f"demo:{chinese}",
                    title=product.title,
                    concept=DEMO_CONCEPTS[chinese],
                    province=shop.province,
                    category=product.category,
                    description=product.description,
                    skus=[s[0] for s in product.skus],
                )
            )
    for i, (word, concept) in enumerate(GENERATED_WORDS.items()):
        for j, (province, city) in enumerate(GENERATED_PROVINCES):
            adjective = ADJECTIVES[(i + j) % len(ADJECTIVES)]
            found.append(
                Listing(
                    key=f"gen:{province}{adjective}{word}",
                    title=f"{province}{adjective}{word}",
                    concept=concept,
                    province=province,
                    category=CATEGORY_OF[concept],
                    description=f"{province}{city}{adjective}{word}",
                )
            )
    for title, concept, province in ENGLISH_ONLY:
        found.append(
            Listing(key=f"en:{title}", title=title, concept=concept, province=province, category=CATEGORY_OF[concept])
        )
    return found


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else "\u3000" if ch == " " else ch for ch in text)


def _typo(word: str) -> str:
    """One letter of the word changed (a vowel swapped for its neighbour), deterministically."""
    swaps = {"a": "e", "e": "a", "i": "u", "o": "u", "u": "o"}
    for index in range(len(word) - 2, 0, -1):
        if word[index] in swaps:
            return word[:index] + swaps[word[index]] + word[index + 1 :]
    return word[:-1]


def queries(catalogue: list[Listing]) -> list[Query]:
    import zhconv

    by_concept: dict[str, set[str]] = {}
    for listing in catalogue:
        by_concept.setdefault(listing.concept, set()).add(listing.key)
    found: list[Query] = []

    def add(kind: str, text: str, expected: set[str]) -> None:
        if expected and all(q.text != text for q in found):
            found.append(Query(kind, text, frozenset(expected)))

    for concept, chinese, english in CONCEPTS:
        expected = by_concept[concept]
        add("chinese", chinese, expected)
        syllables = lazy_pinyin(chinese)
        add("pinyin", "".join(syllables), expected)
        add("pinyin_spaced", " ".join(syllables), expected)
        toned = lazy_pinyin(chinese, style=Style.TONE3, neutral_tone_with_five=True)
        add("pinyin_tones", "".join(toned), expected)
        add("pinyin_tones", " ".join(toned), expected)
        for word in english:
            add("english", word, expected)
        traditional = zhconv.convert(chinese, "zh-tw")
        if traditional != chinese:
            add("traditional", traditional, expected)
        add("fullwidth", _fullwidth("".join(syllables).upper()), expected)
        add("fullwidth", _fullwidth(english[0]), expected)
        add("typo", _typo("".join(syllables)), expected)
        if len(english[0]) >= 5 and " " not in english[0]:
            add("typo", _typo(english[0]), expected)
        for province, _city in GENERATED_PROVINCES:
            in_province = {x.key for x in catalogue if x.concept == concept and x.province == province}
            add("two_words", f"{province} {chinese}", in_province)
        add(
            "two_words",
            f"四川 {english[0]}",
            {x.key for x in catalogue if x.concept == concept and x.province == "四川"},
        )
    for listing in catalogue:
        chinese = listing.title.split(" ")[0]
        if listing.key.startswith("en:") or len(chinese) < 5:
            continue
        middle = chinese[len(chinese) // 2 - 1 : len(chinese) // 2 + 1]
        add("chinese_middle", middle, {x.key for x in catalogue if middle in x.title})
    return found


def recall_at(ranked: list[str], expected: frozenset[str], k: int = 3) -> float:
    return len(set(ranked[:k]) & expected) / min(k, len(expected))


def ndcg_at(ranked: list[str], expected: frozenset[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in expected)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(expected))))
    return dcg / ideal


def catalogue_create(catalogue: list[Listing], *, with_dictionary: bool = True) -> dict[int, str]:
    """The listings, in bulk (seconds, not minutes), with the search fields the catalog service writes
    (the bulk-load form, equal to the service's: catalog/tests/test_search.py); {product id: key}."""
    from accounts.models import User
    from catalog.category_tree import category_tree_ensure
    from catalog.models import Category, Product, Sku
    from catalog.search import listing_search_fields
    from catalog.search_text import ListingText
    from shops.models import Shop

    category_tree_ensure(Category)
    categories = {c.slug: c for c in Category.objects.select_related("parent")}
    shops: dict[str, Shop] = {}
    for province in sorted({x.province for x in catalogue}):
        owner = User.objects.create(username=f"quality-{province}")
        shops[province] = Shop.objects.create(
            owner=owner, name=f"{province}好物", slug=f"quality-{len(shops)}", province=province,
            status=Shop.Status.APPROVED,
        )  # fmt: skip
    products = []
    for index, listing in enumerate(catalogue):
        category = categories[listing.category]
        parent = category.parent
        text = ListingText(
            title=listing.title,
            category=[category.name, category.name_en, *((parent.name, parent.name_en) if parent else ())],
            skus=listing.skus,
            shop=shops[listing.province].name,
            origin=[listing.province],
            description=listing.description,
        )
        products.append(
            Product(
                shop=shops[listing.province],
                title=listing.title,
                description=listing.description,
                category=category,
                province=listing.province,
                status=Product.Status.ACTIVE,
                visible=True,
                price_min=Decimal(10 + index),
                sales_count=(index * 37) % 100,  # ties broken by sales, not by the order listed here
                **listing_search_fields(text, with_dictionary=with_dictionary, bulk=True),
            )
        )
    Product.objects.bulk_create(products)
    Sku.objects.bulk_create(
        [
            Sku(product=p, name=n, price=p.price_min, stock=5)
            for p, x in zip(products, catalogue, strict=True)
            for n in x.skus
        ]
    )
    ids = {p.pk: x.key for p, x in zip(products, catalogue, strict=True)}
    return ids


def evaluate(
    ids: dict[int, str], query_set: list[Query], *, generation: int = 0, verbose: bool = False
) -> dict[str, dict]:
    """{kind: {"n", "recall@3", "ndcg@10"}} and "all"; `generation` keys the cached candidates apart
    when the same listings were reindexed differently (with and without the dictionary)."""
    from catalog.models import Product
    from catalog.search import search_products

    scores: dict[str, list[tuple[float, float]]] = {}
    for query in query_set:
        base = Product.objects.public().exclude(pk=-1 - generation)
        ranked = [ids[pk] for pk in search_products(query.text, queryset=base).values_list("id", flat=True)[:10]]
        scores.setdefault(query.kind, []).append((recall_at(ranked, query.expected), ndcg_at(ranked, query.expected)))
        if verbose and scores[query.kind][-1][0] < 1:
            print(f"{query.kind:<15} {query.text!r:<24} got {ranked[:3]} expected {sorted(query.expected)}")
    scores["all"] = [s for kind in list(scores) for s in scores[kind]]
    return {
        kind: {
            "n": len(values),
            "recall@3": round(sum(v[0] for v in values) / len(values), 3),
            "ndcg@10": round(sum(v[1] for v in values) / len(values), 3),
        }
        for kind, values in scores.items()
    }


def reindex_all(*, with_dictionary: bool) -> None:
    from catalog.models import Product
    from catalog.search_index import reindex

    reindex(Product.objects.all(), with_dictionary=with_dictionary)


def table(with_dictionary: dict, without: dict) -> str:
    lines = [
        f"{'kind':<16}{'queries':>8}{'recall@3':>10}{'nDCG@10':>9}   without the dictionary: recall@3 nDCG@10",
    ]
    for kind in sorted(with_dictionary, key=lambda k: (k == "all", k)):
        a, b = with_dictionary[kind], without[kind]
        lines.append(
            f"{kind:<16}{a['n']:>8}{a['recall@3']:>10.3f}{a['ndcg@10']:>9.3f}"
            f"   {b['recall@3']:>32.3f}{b['ndcg@10']:>8.3f}"
        )
    return "\n".join(lines)
