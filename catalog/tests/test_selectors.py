import pytest

from catalog.selectors import provinces_with_products
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_provinces_on_the_home_page_are_counted_once_then_cached(django_assert_num_queries):
    make_product(title="湖南腌萝卜", province="湖南")
    make_product(title="江苏板凳", province="江苏")
    provinces = provinces_with_products(limit=7)  # a limit no other test uses: its own cache key
    assert {p["province"] for p in provinces} >= {"湖南", "江苏"}
    with django_assert_num_queries(0):
        assert provinces_with_products(limit=7) == provinces
