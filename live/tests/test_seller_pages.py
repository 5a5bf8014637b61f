"""Seller center 直播 through the real URLs: schedule, stream key and OBS instructions, rotate, moderate, end."""

from __future__ import annotations

import pytest

from live.models import BlockedWord, RoomModerator, RoomRestriction, Show
from live.services.room import room_message_send
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_seller_schedules_sees_the_key_rotates_it_moderates_and_ends(client, settings):
    shop = ShopFactory()
    client.force_login(shop.owner)
    assert client.get("/seller/live/").status_code == 200
    response = client.post("/seller/live/", {"title": "腌萝卜直播", "starts_at": ""})
    show = Show.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/seller/live/{show.pk}/"
    listed = client.get("/seller/live/").content.decode()  # the link opens the show: not the shop's "open" status
    assert f'href="/seller/live/{show.pk}/">打开</a>' in listed and "营业中</a>" not in listed
    # the public pages: the list has the cards' stylesheet; the room's tab says what the show is now
    assert "css/live.css" in client.get("/live/").content.decode()
    room = client.get(f"/live/{show.pk}/").content.decode()
    assert "<title>腌萝卜直播 · 即将开播" in room
    assert "controls" not in room[room.index("<video") : room.index("</video>")]  # nothing to play yet
    page = client.get(f"/seller/live/{show.pk}/").content.decode()
    assert show.stream_key in page and settings.LIVE_RTMP_URL in page
    client.post(f"/seller/live/{show.pk}/rotate-key/")
    old_key = show.stream_key
    show.refresh_from_db()
    assert show.stream_key != old_key
    viewer = UserFactory()
    room_message_send(show=show, user=viewer, text="在吗")
    assert "在吗" in client.get(f"/seller/live/{show.pk}/").content.decode()
    client.post(f"/seller/live/{show.pk}/mute/", {"user": viewer.pk, "minutes": "show"})
    assert RoomRestriction.objects.get(user=viewer).until is None
    client.post(f"/seller/live/{show.pk}/slow-mode/", {"seconds": "700"})
    show.refresh_from_db()
    assert show.slow_mode_seconds == 0  # refused: at most 600
    client.post(f"/seller/live/{show.pk}/end/")
    show.refresh_from_db()
    assert show.status == "ended"
    room = client.get(f"/live/{show.pk}/").content.decode()
    assert "<title>腌萝卜直播 · 已结束" in room and "controls" in room[room.index("<video") : room.index("</video>")]


def test_another_shop_cannot_see_the_key_or_end_the_show(client):
    show = Show.objects.create(shop=ShopFactory(), title="x")
    client.force_login(ShopFactory().owner)
    assert client.get(f"/seller/live/{show.pk}/").status_code == 404
    assert client.post(f"/seller/live/{show.pk}/end/").status_code == 404
    show.refresh_from_db()
    assert show.status == "scheduled"


def test_moderators_and_blocked_words(client):
    shop = ShopFactory()
    helper = UserFactory(username="helper")
    client.force_login(shop.owner)
    client.post("/seller/live/room-settings/", {"action": "add-moderator", "username": "helper"})
    client.post("/seller/live/room-settings/", {"action": "add-word", "word": "微信"})
    client.post("/seller/live/room-settings/", {"action": "add-word", "word": "x" * 41})
    assert RoomModerator.objects.get(shop=shop).user == helper
    assert list(BlockedWord.objects.values_list("word", flat=True)) == ["微信"]
    page = client.get("/seller/live/room-settings/").content.decode()
    assert "helper" in page and "微信" in page
