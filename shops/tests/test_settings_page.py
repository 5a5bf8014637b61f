"""Shop settings show the shop's current logo and banner (issue 18 item 10)."""

import pytest
from django.core.files.base import ContentFile

from tests.factories import ShopFactory, image_bytes

pytestmark = pytest.mark.django_db


def test_settings_show_the_current_logo_and_banner(client):
    shop = ShopFactory()
    shop.logo.save("logo.png", ContentFile(image_bytes("PNG")), save=False)
    shop.banner.save("banner.jpg", ContentFile(image_bytes(size=(400, 100))), save=False)
    shop.save()
    client.force_login(shop.owner)

    html = client.get("/seller/settings/").content.decode()

    assert f'src="{shop.logo.url}"' in html and f'src="{shop.banner.url}"' in html


def test_settings_without_a_logo_say_what_the_shop_shows_instead(client):
    shop = ShopFactory(name="湖南老农家")
    client.force_login(shop.owner)

    html = client.get("/seller/settings/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert '<span class="shop-logo-ph">湖</span>' in html and 'data-testid="current-banner"' in html
