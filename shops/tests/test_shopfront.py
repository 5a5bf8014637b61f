"""The shopfront (shops/views/public.py): a cached main part (common/fragments.py) that never shows stale
edits, and a constant number of queries."""

import pytest
from django.core.cache import cache
from redis.exceptions import ConnectionError as RedisConnectionError

from catalog.models import Sku
from catalog.services import sku_update
from catalog.tests.page_helpers import farm_with_products, page_text
from shops.services import shop_update
from tests.factories import ShopFactory, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm():
    return farm_with_products()


def test_shop_page_shows_a_new_product_a_price_change_and_a_shop_edit_on_the_next_request(client, farm):
    shop, radish = farm
    url = f"/shop/{shop.slug}/"
    assert "湖南农家腌萝卜" in page_text(client, url)

    sku_update(sku=Sku.objects.get(product=radish), price="99.90")
    make_product(shop=shop, title="手工米酒", skus=(("1 L", "45.00", 3),))
    shop_update(shop=shop, description="三代人的老手艺")
    page = page_text(client, url)
    assert "99.90" in page and "手工米酒" in page and "三代人的老手艺" in page


@pytest.mark.parametrize("products", [2, 25])
def test_shop_page_query_count_is_constant(client, django_assert_max_num_queries, products):
    shop = ShopFactory()
    for i in range(products):
        make_product(shop=shop, title=f"腊肠 {i}")
    url = f"/shop/{shop.slug}/"
    with django_assert_max_num_queries(12):  # first visit: renders and caches the main part and the live shows
        client.get(url)
    with django_assert_max_num_queries(2):  # the shop, the version of its products
        assert client.get(url).status_code == 200


def test_the_shop_page_renders_while_the_cache_is_down(client, farm, monkeypatch):
    shop, _radish = farm

    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is restarting")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    assert "湖南农家腌萝卜" in page_text(client, f"/shop/{shop.slug}/")


def test_sort_labels_are_translated_on_the_chinese_shop_and_search_pages(client, farm):
    shop, _radish = farm
    shop_page = client.get(f"/shop/{shop.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    search_page = client.get("/search/", {"q": "萝卜"}, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "销量优先" in shop_page and "价格从低到高" in shop_page and "Best selling" not in shop_page
    assert "综合排序" in search_page and "好评优先" in search_page and "Top rated" not in search_page


def test_the_sellers_reply_time_shows_on_the_shop_page(client, farm):
    """The reply time is chat's (a template tag of chat's): shops' page imports nothing of chat."""
    shop, _radish = farm
    url = f"/shop/{shop.slug}/"
    assert "Typical reply" in page_text(client, url)  # no answered question yet
    cache.set(f"chat:reply-time:{shop.pk}", 240)  # the median chat.selectors.shop_reply_time keeps
    page = page_text(client, url)
    assert "Usually replies within 4 minutes" in page and "Typical reply" not in page
