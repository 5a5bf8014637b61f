"""The product lists' count is cached per statement and listings' version: a new listing or a stock change
that puts a listing in or out of stock shows at once."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.services import stock_release, stock_reserve
from tests.factories import ShopFactory, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def radishes():
    shop = ShopFactory()
    return [make_product(shop=shop, title=f"农家腌萝卜 {i}", skus=(("500 g", f"{10 + i}.00", 1),)) for i in range(3)]


def _count(client, **params) -> int:
    response = client.get("/api/v1/products/", {"q": "萝卜", "ordering": "price", "facets": "false", **params})
    assert response.status_code == 200, response.content
    return response.json()["count"]


def test_a_price_sorted_search_counts_its_matches_once(api_client, radishes):
    assert _count(api_client) == 3
    with CaptureQueriesContext(connection) as queries:
        assert _count(api_client) == 3
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_new_listing_is_counted_at_once(api_client, radishes, django_capture_on_commit_callbacks):
    assert _count(api_client) == 3
    with django_capture_on_commit_callbacks(execute=True):
        make_product(title="农家腌萝卜 新")
    assert _count(api_client) == 4


def test_a_listing_that_sells_out_or_comes_back_is_counted_at_once(
    api_client, radishes, django_capture_on_commit_callbacks
):
    assert _count(api_client, in_stock="true") == 3
    sku = radishes[0].skus.get()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stock_reserve(items={sku.id: 1})
    assert _count(api_client, in_stock="true") == 2
    assert _count(api_client) == 3
    with django_capture_on_commit_callbacks(execute=True):
        stock_release(items={sku.id: 1})
    assert _count(api_client, in_stock="true") == 3


def test_the_search_page_counts_the_same(client, radishes, django_capture_on_commit_callbacks):
    def count() -> int:
        return client.get("/search/", {"q": "萝卜", "ordering": "price"}).context["page"].paginator.count

    assert count() == 3
    with django_capture_on_commit_callbacks(execute=True):
        make_product(title="农家腌萝卜 新")
    assert count() == 4
