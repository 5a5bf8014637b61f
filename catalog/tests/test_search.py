import pytest

from catalog.models import Product
from catalog.tests.factories import leaf_category, make_product
from shops.models import Shop
from shops.services import shop_suspend
from shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    farm = ShopFactory(name="湖南老农家", province="湖南")
    workshop = ShopFactory(name="东风村木艺", province="江苏")
    return {
        "radish": make_product(
            shop=farm,
            title="湖南农家腌萝卜 Hunan Pickled Radish",
            category="pickles",
            skus=(("500 g", "28.00", 10),),
            province="湖南",
        ),
        "sausage": make_product(
            shop=farm, title="农家烟熏腊肠", category="cured-meat", skus=(("500 g", "68.00", 0),), province="湖南"
        ),
        "stool": make_product(
            shop=workshop,
            title="实木小板凳 Solid Wood Stool",
            category="chairs",
            skus=(("矮款", "89.00", 5),),
            province="江苏",
        ),
        "draft": make_product(shop=farm, title="萝卜干 草稿", status=Product.Status.DRAFT),
    }


def _ids(client, **params):
    response = client.get("/api/v1/products/", params)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


@pytest.mark.parametrize("query", ["萝卜", "腌萝卜", "luobo", "LuoBo", "radish", "湖南 萝卜", "pickled"])
def test_search_finds_the_radish_in_chinese_pinyin_and_english(api_client, catalogue, query):
    assert _ids(api_client, q=query) == [catalogue["radish"].id]


def test_search_skips_drafts_and_suspended_shops(api_client, catalogue):
    assert catalogue["draft"].id not in _ids(api_client, q="萝卜")
    shop_suspend(shop_id=catalogue["radish"].shop_id, reason="test")
    assert _ids(api_client, q="萝卜") == []
    assert api_client.get(f"/api/v1/products/{catalogue['radish'].id}/").status_code == 404


def test_category_filter_includes_sub_categories(api_client, catalogue):
    food = leaf_category("pickles").parent
    assert set(_ids(api_client, category=food.id)) == {catalogue["radish"].id, catalogue["sausage"].id}
    assert _ids(api_client, category=leaf_category("chairs").id) == [catalogue["stool"].id]


def test_filters_and_orderings(api_client, catalogue):
    assert _ids(api_client, shop=catalogue["stool"].shop.slug) == [catalogue["stool"].id]
    assert set(_ids(api_client, province="湖南")) == {catalogue["radish"].id, catalogue["sausage"].id}
    assert _ids(api_client, min_price="50", max_price="80") == [catalogue["sausage"].id]
    assert catalogue["sausage"].id not in _ids(api_client, in_stock="true")
    assert _ids(api_client, ordering="price")[0] == catalogue["radish"].id
    assert _ids(api_client, ordering="-price")[0] == catalogue["stool"].id


@pytest.mark.parametrize(
    "params", [{"min_price": "abc"}, {"ordering": "evil"}, {"category": "x"}, {"in_stock": "maybe"}, {"page": "999"}]
)
def test_bad_filters_are_400_or_404_never_500(api_client, catalogue, params):
    response = api_client.get("/api/v1/products/", params)
    assert response.status_code in (400, 404)
    assert "error" in response.json()


def test_list_item_shape(api_client, catalogue):
    item = api_client.get("/api/v1/products/", {"q": "萝卜"}).json()["results"][0]
    assert item == {
        "id": catalogue["radish"].id,
        "title": "湖南农家腌萝卜 Hunan Pickled Radish",
        "price_min": "28.00",
        "currency": "CNY",
        "thumbnail_url": None,
        "shop": {"slug": catalogue["radish"].shop.slug, "name": "湖南老农家"},
        "province": "湖南",
        "rating": None,
        "sales": 0,
    }


@pytest.mark.parametrize("page_size", [2, 40])
def test_query_count_does_not_grow_with_page_size(api_client, django_assert_max_num_queries, page_size):
    shop = ShopFactory()
    for i in range(40):
        make_product(shop=shop, title=f"腌萝卜 {i}")
    # the newest product's id, the word's ranked candidates (then cached), the count, the page, its photos
    with django_assert_max_num_queries(5):
        response = api_client.get("/api/v1/products/", {"q": "萝卜", "page_size": page_size})
    assert len(response.json()["results"]) == page_size
    with django_assert_max_num_queries(4):  # the candidates are cached
        response = api_client.get("/api/v1/products/", {"q": "萝卜", "page_size": page_size})
    assert len(response.json()["results"]) == page_size


def test_search_page_uses_the_same_search(client, catalogue):
    page = client.get("/search/", {"q": "luobo"}).content.decode()
    assert "湖南农家腌萝卜" in page and "实木小板凳" not in page
    # bad filter values on the page are dropped, not a 500
    assert client.get("/search/", {"q": "萝卜", "min_price": "abc", "ordering": "evil"}).status_code == 200


def test_categories_api_is_the_seeded_tree(api_client):
    leaf_category()
    tree = api_client.get("/api/v1/categories/").json()
    food = next(c for c in tree if c["slug"] == "food")
    assert {"腌菜", "腊味"} <= {c["name"] for c in food["children"]}


def test_shop_status_is_mirrored_on_its_products(catalogue):
    shop = catalogue["radish"].shop
    shop_suspend(shop_id=shop.id, reason="x")
    assert not Product.objects.filter(shop=shop, visible=True).exists()
    from shops.services import shop_approve

    shop_approve(shop_id=shop.id)
    assert set(Product.objects.filter(shop=shop, visible=True).values_list("id", flat=True)) == {
        catalogue["radish"].id,
        catalogue["sausage"].id,
    }
    assert Shop.objects.get(pk=shop.id).product_count == 2


def test_cached_search_shows_a_new_product_and_drops_a_delisted_or_retitled_one_at_once(api_client, catalogue):
    from catalog.services import product_set_status, product_update

    assert _ids(api_client, q="萝卜") == [catalogue["radish"].id]  # the candidates are cached now
    pickled = make_product(shop=catalogue["stool"].shop, title="江苏酱萝卜")
    assert set(_ids(api_client, q="萝卜")) == {catalogue["radish"].id, pickled.id}

    product_set_status(product=catalogue["radish"], status=Product.Status.DELISTED)
    product_update(product=pickled, title="江苏酱黄瓜")
    assert _ids(api_client, q="萝卜") == []
