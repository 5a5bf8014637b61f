"""Show covers: uploaded like product photos (checked, re-encoded, thumbnailed), shown on the cards; a bad
image is a clear error in the viewer's language and leaves no file behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from PIL import Image
from rest_framework.test import APIClient

from common.images import InvalidImage
from live.models import Show
from live.services.covers import COVER_THUMB_SIDE
from tests.factories import ShopFactory, image_bytes, make_show, upload

pytestmark = pytest.mark.django_db(transaction=True)


def _cover_files() -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "live" / "covers"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_cover_is_re_encoded_thumbnailed_and_shown_on_the_cards():
    shop = ShopFactory()
    show = make_show(shop=shop, title="腌萝卜直播")
    before = _cover_files()
    response = _api(shop.owner).post(
        f"/api/v1/seller/shows/{show.pk}/cover/",
        {"cover": upload("cover.png", image_bytes("PNG", size=(900, 1600)), "image/png")},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    show.refresh_from_db()
    assert body["cover_url"] == show.cover.url and body["cover_thumb_url"] == show.cover_thumb.url
    assert len(_cover_files()) == len(before) + 2
    with Image.open(show.cover_thumb.path) as thumb:
        assert thumb.size == (COVER_THUMB_SIDE, COVER_THUMB_SIDE)
    for page in ("/live/", f"/shop/{shop.slug}/", "/"):
        assert show.cover_thumb.url in Client().get(page).content.decode(), page
    assert _api(shop.owner).get("/api/v1/shows/").json()["results"][0]["cover_thumb_url"] == show.cover_thumb.url


def test_a_new_cover_replaces_the_old_files():
    shop = ShopFactory()
    show = make_show(shop=shop)
    client = _api(shop.owner)
    url = f"/api/v1/seller/shows/{show.pk}/cover/"
    before = set(_cover_files())
    assert client.post(url, {"cover": upload()}, format="multipart").status_code == 200
    first = set(_cover_files()) - before
    assert (
        client.post(url, {"cover": upload(data=image_bytes(colour=(10, 200, 10)))}, format="multipart").status_code
        == 200
    )
    show.refresh_from_db()
    now = set(_cover_files()) - before
    assert len(now) == len(first) == 2 and not first & now
    assert Path(show.cover.path) in now and Path(show.cover_thumb.path) in now


@pytest.mark.parametrize(
    ("data", "code", "chinese"),
    [
        pytest.param(b"just some text, not an image", "invalid_image", "图片", id="text-named-jpg"),
        pytest.param(b"", "invalid_image", "图片", id="empty"),
    ],
)
def test_a_bad_cover_is_a_clear_translated_error_and_leaves_no_file(data, code, chinese):
    shop = ShopFactory()
    show = make_show(shop=shop)
    before = _cover_files()
    response = _api(shop.owner).post(
        f"/api/v1/seller/shows/{show.pk}/cover/",
        {"cover": upload("cover.jpg", data)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == code and chinese in error["fields"]["cover"][0], error
    assert _cover_files() == before
    assert not Show.objects.get(pk=show.pk).cover


def test_the_seller_uploads_a_cover_from_the_console_and_a_bad_one_is_explained():
    shop = ShopFactory()
    show = make_show(shop=shop)
    client = Client()
    client.force_login(shop.owner)
    url = f"/seller/live/{show.pk}/cover/"
    before = _cover_files()
    page = client.post(url, {"cover": upload("notes.jpg", b"not an image")}, follow=True).content.decode()
    with translation.override("zh-hans"):
        assert str(InvalidImage.default_message) in page
    assert _cover_files() == before
    client.post(url, {"cover": upload()}, follow=True)
    show.refresh_from_db()
    assert show.cover_thumb and show.cover_thumb.url in client.get(f"/seller/live/{show.pk}/").content.decode()


def test_another_shop_cannot_set_the_cover():
    show = make_show()
    stranger = ShopFactory().owner
    before = _cover_files()
    response = _api(stranger).post(f"/api/v1/seller/shows/{show.pk}/cover/", {"cover": upload()}, format="multipart")
    assert response.status_code == 404
    assert not Show.objects.get(pk=show.pk).cover and _cover_files() == before
