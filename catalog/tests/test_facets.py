"""Facets: each count is for the query and every other filter; filters combine; API and page agree."""

import time
import uuid
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import facets as facets_module
from catalog import suggest
from catalog.facets import Filters, _browse_counts, _facet_counts_sql, browse_cube, facet_counts, facet_counts_orm
from catalog.models import Product
from tests.factories import ShopFactory, leaf_category, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_facets(monkeypatch):
    """Counts are cached per query and filters for a minute: each test reads its own."""
    monkeypatch.setattr(facets_module, "FACETS_SECONDS", 0)
    monkeypatch.setattr(facets_module, "FACETS_KEY", f"test-facets:{uuid.uuid4().hex}:")
    monkeypatch.setattr(suggest, "SUGGEST_KEY", f"test-suggest:{uuid.uuid4().hex}:")  # popular queries too


@pytest.fixture
def catalogue():
    hunan = ShopFactory(name="湖南老农家", province="湖南")
    jiangsu = ShopFactory(name="东风村木艺", province="江苏")

    def radish(shop, province, price, stock, rating=None, category="pickles"):
        product = make_product(
            shop=shop,
            title=f"{province}农家腌萝卜",
            category=category,
            skus=(("500 g", price, stock),),
            province=province,
        )
        if rating is not None:
            Product.objects.filter(pk=product.pk).update(rating=Decimal(rating))
        return product

    return [
        radish(hunan, "湖南", "8.00", 10, "4.8"),
        radish(hunan, "湖南", "28.00", 0, "4.2"),
        radish(hunan, "湖南", "35.00", 5, "3.1", category="cured-meat"),
        radish(jiangsu, "江苏", "28.00", 5, "4.6"),
        radish(jiangsu, "江苏", "150.00", 0),
        make_product(
            shop=jiangsu, title="实木小板凳", category="chairs", skus=(("矮款", "89.00", 5),), province="江苏"
        ),
    ]


def _api(client, **params):
    response = client.get("/api/v1/products/", params)
    assert response.status_code == 200, response.content
    return response.json()


def _by(items, key):
    return {item[key]: item["count"] for item in items}


def test_counts_for_the_query_and_the_other_filters(api_client, catalogue):
    body = _api(api_client, q="萝卜", province="湖南", in_stock="true")
    facets = body["facets"]
    # Results and total: Hunan radishes in stock (8.00 and 35.00).
    assert body["count"] == facets["total"] == 2
    # Province counts ignore the province filter (in stock, any province): 湖南 2, 江苏 1.
    assert _by(facets["province"], "value") == {"湖南": 2, "江苏": 1}
    # In stock counts ignore the in-stock filter: all 3 Hunan radishes, 2 in stock.
    assert facets["in_stock"] == {"count": 2, "selected": True}
    food = leaf_category("pickles").parent
    assert _by(facets["category"], "id") == {food.id: 2}
    # Price bands: 8.00 → [0,10), 35.00 → [30,60).
    assert [p["count"] for p in facets["price"]] == [1, 0, 1, 0, 0, 0]
    assert _by(facets["rating"], "min_rating") == {"4.5": 1, "4": 1}


def test_filters_combine_and_price_band_and_rating(api_client, catalogue):
    body = _api(api_client, q="萝卜", min_price="10", max_price="29.99", min_rating="4")
    facets = body["facets"]
    assert body["count"] == facets["total"] == 2  # 28.00 in Hunan (4.2) and Jiangsu (4.6)
    assert _by(facets["province"], "value") == {"湖南": 1, "江苏": 1}
    # The price facet ignores the price filter: with rating ≥ 4, 8.00 (4.8) and the two at 28.00.
    assert [p["count"] for p in facets["price"]] == [1, 2, 0, 0, 0, 0]
    assert [p["selected"] for p in facets["price"]] == [False, True, False, False, False, False]
    # The rating facet ignores the rating filter: in [10, 30) both have ≥ 4, one ≥ 4.5.
    assert _by(facets["rating"], "min_rating") == {"4.5": 1, "4": 2}
    assert facets["in_stock"]["count"] == 1


def test_category_facet_lists_children_of_the_chosen_category(api_client, catalogue):
    food = leaf_category("pickles").parent
    facets = _api(api_client, category=food.id)["facets"]
    assert _by(facets["category"], "id") == {leaf_category("pickles").id: 4, leaf_category("cured-meat").id: 1}
    assert facets["category_parent"]["id"] == food.id
    assert facets["total"] == 5


def test_the_sql_counts_equal_the_reference(catalogue):
    food = leaf_category("pickles").parent
    for filters in [
        Filters(),
        Filters(q="萝卜", province="湖南", in_stock=True),
        Filters(q="萝卜", min_price=Decimal(10), max_price=Decimal("29.99"), min_rating=Decimal(4)),
        Filters(category=food.id, min_rating=Decimal("4.5")),
    ]:
        assert _facet_counts_sql(filters) == facet_counts_orm(filters), filters


def test_browsing_counts_from_the_cube_equal_the_reference(catalogue):
    """Without a query the counts come from the catalogue grouped once (browse_cube), for every filter."""
    food = leaf_category("pickles").parent
    for filters in [
        Filters(),
        Filters(province="湖南", in_stock=True),
        Filters(min_price=Decimal(10), max_price=Decimal("29.99"), min_rating=Decimal(4)),
        Filters(category=food.id, min_rating=Decimal("4.5")),
        Filters(min_price=Decimal(30), in_stock=True),
    ]:
        assert _browse_counts(filters) == facet_counts_orm(filters), filters
    browse_cube()  # cached now: a new listing shows when beat refreshes it (browse_cube(refresh=True))
    make_product(title="新品", category="pickles", skus=(("1", "5.00", 1),), province="湖南")
    assert facet_counts(Filters()).total == 6
    browse_cube(refresh=True)
    assert facet_counts(Filters()).total == 7


def test_facets_can_be_left_out(api_client, catalogue):
    assert _api(api_client, q="萝卜", facets="false")["facets"] is None


def test_page_shows_facets_with_counts_and_chips(client, catalogue):
    response = client.get("/search/", {"q": "萝卜", "province": "湖南", "in_stock": "true"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="facets"' in html
    assert 'data-facet="province" data-value="江苏" data-count="1"' in html
    assert 'data-facet="province" data-value="湖南" data-count="2"' in html
    assert 'data-testid="chips"' in html and "Remove filter" in html


def test_query_count_is_the_same_whatever_the_filters_and_sizes(client, api_client, catalogue):
    def count(url, params):
        client.get(url, params)  # warm: the category tree and the like
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params).status_code == 200
        return len(queries.captured_queries)

    pages = [
        {"q": "萝卜"},
        {"q": "萝卜", "province": "湖南", "in_stock": "true", "min_rating": "4"},
        {"q": "萝卜", "min_price": "10", "max_price": "29.99"},
        {"q": "板凳"},
    ]
    assert len({count("/search/", p) for p in pages}) == 1
    assert len({count("/api/v1/products/", p) for p in pages}) == 1


def test_beat_keeps_the_most_searched_queries_facets_counted(api_client, catalogue):
    from catalog.suggest import popular_queries_flush

    for _ in range(2):
        api_client.get("/api/v1/products/", {"q": "萝卜"})
    popular_queries_flush()
    assert facets_module.popular_facets_warm() == 1
    with CaptureQueriesContext(connection) as queries:
        counts = facets_module.facet_counts(Filters(q="萝卜"))
    assert counts.total == 5 and len(queries.captured_queries) == 0


def test_counts_past_their_time_are_shown_while_a_task_counts_them_again(
    monkeypatch, catalogue, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(facets_module, "FACETS_SECONDS", 60)
    filters = Filters(q="萝卜")
    assert facet_counts(filters).total == 5
    make_product(title="湖南农家腌萝卜 新", category="pickles", province="湖南")
    assert facet_counts(filters).total == 5  # counted less than a minute ago

    later = SimpleNamespace(time=lambda: time.time() + 61, monotonic=time.monotonic)
    monkeypatch.setattr(facets_module, "time", later)
    with django_capture_on_commit_callbacks(execute=True) as tasks:
        with CaptureQueriesContext(connection) as queries:
            assert facet_counts(filters).total == 5  # shown at once, no statement: a task counts again
        assert not [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    assert len(tasks) == 1
    assert facet_counts(filters).total == 6  # the task's count


def test_a_checkout_that_sells_the_last_one_leaves_the_in_stock_count_and_filter(api_client, catalogue):
    from django.db import transaction

    from catalog.services import stock_reserve

    assert _api(api_client, q="萝卜")["facets"]["in_stock"]["count"] == 3
    sku = catalogue[3].skus.get()  # 江苏, 28.00, 5 in stock
    with transaction.atomic():
        stock_reserve(items={sku.id: 5})
    body = _api(api_client, q="萝卜", in_stock="true")
    assert body["facets"]["in_stock"]["count"] == 2
    assert catalogue[3].id not in {item["id"] for item in body["results"]} and body["count"] == 2
