"""Suggestions while typing, popular queries, did-you-mean and the search page's way on from nothing found."""

import uuid

import pytest

from catalog import suggest
from catalog.models import SearchTerm
from catalog.suggest import did_you_mean, popular_queries_flush, search_terms_rebuild
from tests.factories import ShopFactory, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    """Suggestions are cached per prefix for minutes: each test reads its own; popular counts start empty."""
    monkeypatch.setattr(suggest, "SUGGEST_KEY", f"test-suggest:{uuid.uuid4().hex}:")
    suggest._buffer.clear()


@pytest.fixture
def catalogue():
    farm = ShopFactory(name="湖南老农家", province="湖南")
    products = [
        make_product(shop=farm, title="湖南农家腌萝卜 Hunan Pickled Radish", province="湖南"),
        make_product(shop=farm, title="萝卜干 香辣", province="湖南"),
        make_product(shop=farm, title="农家烟熏腊肠", category="cured-meat", province="湖南"),
        make_product(shop=farm, title="实木小板凳 Solid Wood Stool", category="chairs", province="江苏"),
    ]
    search_terms_rebuild()
    return products


def _texts(client, q, language="zh-CN"):
    response = client.get("/api/v1/search/suggest/", {"q": q}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content
    return [s["text"] for s in response.json()["suggestions"]]


@pytest.mark.parametrize("typed", ["萝", "luo", "luob", "luo bo", "luo2bo5", "lb", "ＬＵＯ"])
def test_completions_from_chinese_pinyin_and_initials(api_client, catalogue, typed):
    found = _texts(api_client, typed)
    assert "萝卜" in found, found


def test_english_buyers_get_english_words_first(api_client, catalogue):
    assert _texts(api_client, "ra", language="en")[0] == "radish"
    # A Chinese buyer typing "la" is after 腊肠 (pinyin), an English buyer sees English first where there is one.
    assert "腊肠" in _texts(api_client, "la")
    english = _texts(api_client, "s", language="en")
    assert {"solid", "stool"} <= set(english[:5]) and all(text.isascii() for text in english[:5])


def test_popular_queries_are_counted_in_bulk_and_suggested(api_client, catalogue):
    for _ in range(3):
        assert api_client.get("/api/v1/products/", {"q": "腌萝卜 湖南"}).status_code == 200
    assert api_client.get("/api/v1/products/", {"q": "nothing-like-this"}).status_code == 200  # found nothing
    assert not SearchTerm.objects.filter(source="query").exists()  # nothing written per search
    popular_queries_flush()
    row = SearchTerm.objects.get(source="query")
    assert (row.term, row.weight, row.initials) == ("腌萝卜 湖南", 3, "ylbhn")
    assert _texts(api_client, "腌萝")[0] == "腌萝卜 湖南"
    popular_queries_flush()  # nothing new: the count stays
    assert SearchTerm.objects.get(source="query").weight == 3


def test_bad_suggest_input_is_a_400(api_client, catalogue):
    response = api_client.get("/api/v1/search/suggest/", {"q": "萝" * 101}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"
    assert "q" in response.json()["error"]["fields"]
    assert api_client.get("/api/v1/search/suggest/").status_code == 400


@pytest.mark.parametrize(("typed", "meant"), [("radsh", "radish"), ("萝扑", "萝卜"), ("luobu", "萝卜")])
def test_did_you_mean(catalogue, typed, meant):
    assert did_you_mean(typed, language="zh")[0] == meant


def test_empty_result_page_offers_did_you_mean_and_related_categories(client, catalogue):
    html = client.get("/search/", {"q": "stooool"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="no-results"' in html
    assert 'data-testid="did-you-mean"' in html and '<a href="?q=stool">stool</a>' in html
    assert 'data-testid="related-categories"' in html and "Chairs" in html
    nothing = client.get("/search/", {"q": "zzzzqqq"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="did-you-mean"' not in nothing and 'data-testid="related-categories"' in nothing


def test_bad_search_input_records_nothing(api_client, client, catalogue):
    bad = [
        {"q": "萝卜" * 60},
        {"q": "萝卜", "min_price": "abc"},
        {"q": "萝卜", "min_price": "50", "max_price": "10"},
        {"q": "萝卜", "ordering": "evil"},
        {"q": "萝卜", "min_rating": "6"},
        {"q": "萝卜", "min_rating": "abc"},
    ]
    for params in bad:
        response = api_client.get("/api/v1/products/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400, params
        assert response.json()["error"]["code"] == "validation_error"
        html = client.get("/search/", params, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-testid="filter-problems"' in html and 'data-testid="facets"' not in html
    popular_queries_flush()
    assert not SearchTerm.objects.filter(source="query").exists()
    html = client.get("/search/", {"q": "萝卜", "min_rating": "6"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Shop ratings to filter by are 4.5, 4, 3.5 or 3." in html


def test_the_in_memory_index_equals_the_sql_read(catalogue):
    for typed in ["萝", "luo", "l", "lb", "s", "ra", "腊", "jia"]:
        for language in ("zh", "en"):
            assert suggest.suggestions(typed, language=language) == suggest._suggestions_read(
                typed, language=language
            ), (typed, language)
