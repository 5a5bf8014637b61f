"""English pages show Chinese shop names and places in both scripts (issue 18 #15)."""

import pytest

from common.romanize import province_en, romanize, with_english
from tests.factories import ShopFactory, make_product


def test_provinces_have_their_english_names_and_the_rest_is_pinyin():
    assert province_en("湖南") == province_en("湖南省") == "Hunan"
    assert province_en("内蒙古自治区") == "Inner Mongolia" and province_en("陕西") == "Shaanxi"
    assert romanize("湘西") == "Xiangxi"
    assert with_english("湖南老农家").startswith("湖南老农家 · Hunan ")
    # a name the seller gave in English, or with English in it, is left alone
    assert with_english("Li's Furniture") == "Li's Furniture"
    assert with_english("湘西腊肉 Xiangxi Bacon") == "湘西腊肉 Xiangxi Bacon"


@pytest.mark.django_db
def test_english_pages_name_shops_and_places_in_both_scripts(client):
    from django.core.cache import cache

    cache.delete("catalog:provinces:12")  # the home page's province counts are cached for 10 minutes
    shop = ShopFactory(name="湖南老农家", slug="laonongjia", province="湖南", city="湘西", village="石板村")
    product = make_product(shop=shop, title="湖南农家腌萝卜", province="湖南", city="湘西")

    for path in ["/", f"/shop/{shop.slug}/", f"/product/{product.pk}/", "/search/?q=萝卜"]:
        english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "湖南老农家 · Hunan" in english, path
        chinese = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
        assert "湖南老农家 · Hunan" not in chinese and "湖南老农家" in chinese, path
    shopfront = client.get(f"/shop/{shop.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "湖南 湘西 石板村 · Hunan, Xiangxi, Shiban Cun" in shopfront
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "湖南 Hunan · 1</a>" in home  # the "by province" chips
