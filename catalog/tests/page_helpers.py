"""What the product page's and the shopfront's tests share: a shop with products, and a page's text."""

from tests.factories import ShopFactory, make_product


def farm_with_products():
    """A farm shop selling pickled radish (10 in stock) and three sausages: (shop, radish)."""
    shop = ShopFactory(name="湖南老农家")
    radish = make_product(shop=shop, title="湖南农家腌萝卜", skus=(("500 g", "28.00", 10),))
    for i in range(3):
        make_product(shop=shop, title=f"农家烟熏腊肠 {i}", skus=(("500 g", "68.00", 5),))
    return shop, radish


def page_text(client, url, **params) -> str:
    """The page in English, which must answer 200."""
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()
