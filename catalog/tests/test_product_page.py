"""The product page (catalog/views/public.py): a cached main part (common/fragments.py) that never shows
stale edits, never carries one visitor's data to another, and a constant number of queries."""

import re

import pytest
from django.core.cache import cache, caches
from redis.exceptions import ConnectionError as RedisConnectionError

from catalog.models import Sku
from catalog.services import product_update, sku_update, stock_reserve
from catalog.tests.page_helpers import farm_with_products, page_text
from orders.services.reviews import review_create, review_reply
from orders.tests.reviews.helpers import REVIEW, completed
from shops.services import shop_update
from tests.factories import ShopFactory, UserFactory, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def farm():
    return farm_with_products()


def test_product_edits_price_and_stock_show_on_the_next_request(client, farm):
    shop, radish = farm
    url = f"/product/{radish.pk}/"
    page = page_text(client, url)  # warms the cache
    assert "10 left" in page and "湖南农家腌萝卜" in page

    product_update(product=radish, title="湖南农家腌萝卜（新）", description="新的一季")
    sku = Sku.objects.get(product=radish)
    sku_update(sku=sku, price="31.50")
    stock_reserve(items={sku.pk: 3})
    page = page_text(client, url)
    assert "湖南农家腌萝卜（新）" in page and "新的一季" in page
    assert "31.50" in page and "28.00" not in page
    assert "7 left" in page

    shop_update(shop=shop, name="湖南老农家二店")
    assert "湖南老农家二店" in page_text(client, url)


def test_a_review_and_the_sellers_reply_show_on_the_next_request(client):
    shop = ShopFactory()
    radish = make_product(shop=shop, skus=(("500 g", "28.00", 10),))
    sku = Sku.objects.get(product=radish)
    url = f"/product/{radish.pk}/"
    assert "No reviews yet" in page_text(client, url)

    order = completed(UserFactory(), sku)
    review = review_create(order_id=order.pk, buyer=order.buyer, line_id=order.lines.get().pk, **REVIEW)
    page = page_text(client, url)
    assert REVIEW["text"] in page and "No reviews yet" not in page

    review_reply(review_id=review.pk, actor=shop.owner, text="谢谢惠顾")
    assert "谢谢惠顾" in page_text(client, url)


def test_the_cached_part_carries_nothing_of_another_visitor(client, farm):
    _shop, radish = farm
    url = f"/product/{radish.pk}/"
    page_text(client, url)  # an anonymous visitor warms the cache
    buyer = UserFactory(username="zhang_san")
    client.force_login(buyer)
    page = page_text(client, url)
    assert "zhang_san" in page and "Log in" not in page
    anonymous = page_text(type(client)(), url)
    assert "zhang_san" not in anonymous
    # the forms' CSRF tokens are masked afresh on every response: none of them comes from the cache
    first, second = (
        set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_text(client, url))) for _ in range(2)
    )
    assert first and second and not first & second


@pytest.mark.parametrize("others", [2, 12])
def test_product_page_query_count_is_constant(client, django_assert_max_num_queries, others):
    shop = ShopFactory()
    radish = make_product(shop=shop, skus=(("500 g", "28.00", 10), ("1 kg", "50.00", 0)))
    for i in range(others):
        make_product(shop=shop, title=f"腊肠 {i}")
    url = f"/product/{radish.pk}/"
    # first visit: renders and caches the main part (no review: no query for the reviews section; one
    # more when the seller's reply time is not cached yet)
    with django_assert_max_num_queries(7):
        client.get(url)
    with django_assert_max_num_queries(4):  # product + shop, SKUs, photos, the reviews' version
        assert client.get(url).status_code == 200


def test_the_product_page_renders_while_the_cache_is_down(client, farm, monkeypatch):
    _shop, radish = farm

    def down(*args, **kwargs):
        raise RedisConnectionError("Redis is restarting")

    connection = caches["default"]  # the cache object itself (patching through the proxy would follow a reopen)
    monkeypatch.setattr(connection, "get", down)
    monkeypatch.setattr(connection, "set", down)
    assert "湖南农家腌萝卜" in page_text(client, f"/product/{radish.pk}/")


def test_the_sellers_reply_time_shows_beside_the_shop(client, farm):
    """The reply time is chat's (a template tag of chat's): catalog's page imports nothing of chat."""
    shop, radish = farm
    url = f"/product/{radish.pk}/"
    assert "Usually replies" not in page_text(client, url)  # no answered question yet
    cache.set(f"chat:reply-time:{shop.pk}", 240)  # the median chat.selectors.shop_reply_time keeps
    assert "Usually replies within 4 minutes" in page_text(client, url)
