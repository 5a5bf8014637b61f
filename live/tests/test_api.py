"""The live API (API.md "Live selling", part 1) and nginx's callbacks, through the real URLs."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import OperatorAction
from live.models import RoomRestriction, Show
from live.services.shows import shop_live_bar
from tests.clients import client_for
from tests.factories import ShopFactory, UserFactory, make_product, make_show

pytestmark = pytest.mark.django_db


def hook(settings, callback: str, **fields):
    return Client().post(f"/live/hooks/{callback}/?secret={settings.LIVE_HOOK_SECRET}", {"app": "live", **fields})


def test_a_seller_schedules_a_show_and_reads_its_stream_key(settings):
    shop = ShopFactory()
    product = make_product(shop=shop)
    response = client_for(shop.owner).post(
        "/api/v1/seller/shows/",
        {"title": "腌萝卜直播", "starts_at": "2099-01-01T12:00:00Z", "products": [product.pk]},
        format="json",
    )
    assert response.status_code == 400  # more than 90 days ahead
    response = client_for(shop.owner).post(
        "/api/v1/seller/shows/", {"title": "腌萝卜直播", "products": [product.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "scheduled" and body["title"] == "腌萝卜直播"
    assert body["room_url"] == f"/live/{body['id']}/"
    detail = client_for(shop.owner).get(f"/api/v1/seller/shows/{body['id']}/").json()
    assert detail["ingest"] == {"url": settings.LIVE_RTMP_URL, "stream_key": Show.objects.get().stream_key}
    assert detail["products"] == [product.pk]


def test_the_public_never_sees_the_stream_key():
    show = make_show()
    for client in (client_for(), client_for(UserFactory())):
        body = client.get(f"/api/v1/shows/{show.pk}/").json()
        assert show.stream_key not in str(body)
        assert body["status"] == "scheduled" and body["hls_url"] is None and body["pinned"] is None
        listed = client.get("/api/v1/shows/").json()
        assert show.stream_key not in str(listed)
    # Another seller cannot read it either (404, as for a show that is not there).
    assert client_for(ShopFactory().owner).get(f"/api/v1/seller/shows/{show.pk}/").status_code == 404


def test_the_public_list_puts_live_shows_first(settings):
    make_show(title="later")
    live = make_show(title="live")
    ended = make_show(title="ended")
    assert hook(settings, "publish", name=live.stream_key).status_code == 302
    client_for(ended.shop.owner).post(f"/api/v1/seller/shows/{ended.pk}/end/", {}, format="json")
    titles = [s["title"] for s in client_for().get("/api/v1/shows/").json()["results"]]
    assert titles == ["live", "later"]


def test_publish_accepts_the_key_and_renames_the_stream_to_the_public_id(settings):
    show = make_show()
    response = hook(settings, "publish", name=show.stream_key, addr="10.0.0.9")
    assert response.status_code == 302
    assert response["Location"] == show.public_id
    show.refresh_from_db()
    assert show.status == "live" and show.started_at and show.publishing_key == show.stream_key
    body = client_for().get(f"/api/v1/shows/{show.pk}/").json()
    assert body["hls_url"] == f"{settings.LIVE_HLS_URL.rstrip('/')}/{show.public_id}.m3u8"
    assert show.stream_key not in body["hls_url"]
    # A second publisher with the same key while live is refused.
    assert hook(settings, "publish", name=show.stream_key).status_code == 409
    # nginx's periodic update is accepted while live...
    assert hook(settings, "update", name=show.stream_key).status_code == 200
    # ...and publish-done (named by the key it was published with) ends the show.
    assert hook(settings, "publish-done", name=show.stream_key).status_code == 200
    show.refresh_from_db()
    assert show.status == "ended" and show.ended_at
    assert hook(settings, "update", name=show.stream_key).status_code == 409
    assert hook(settings, "publish", name=show.stream_key).status_code == 409


def test_an_update_before_the_publish_answer_does_not_drop_the_stream(settings):
    # nginx's update timer starts with the publisher, so on a slow server the first update can arrive
    # before the publish callback committed: it must not refuse (and drop) the stream then.
    show = make_show()
    assert hook(settings, "update", name=show.stream_key).status_code == 200
    assert hook(settings, "update", name="sk_unknown").status_code == 409


def test_a_rotated_key_stops_working_at_once(settings):
    show = make_show()
    old = show.stream_key
    response = client_for(show.shop.owner).post(f"/api/v1/seller/shows/{show.pk}/stream-key/")
    assert response.status_code == 200
    new = response.json()["ingest"]["stream_key"]
    assert new != old
    assert hook(settings, "publish", name=old).status_code == 404
    assert hook(settings, "publish", name=new).status_code == 302


def test_ending_a_live_show_makes_nginx_drop_the_stream_at_its_next_update(settings):
    show = make_show()
    hook(settings, "publish", name=show.stream_key)
    response = client_for(show.shop.owner).post(
        f"/api/v1/seller/shows/{show.pk}/end/", {"reason": "谢谢大家"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "ended"
    assert hook(settings, "update", name=show.stream_key).status_code == 409


def test_an_operator_bars_a_shop_its_live_show_ends_and_it_cannot_go_live(settings):
    show = make_show()
    hook(settings, "publish", name=show.stream_key)
    operator = UserFactory(is_staff=True)
    shop_live_bar(shop=show.shop, reason="违规", operator=operator)
    show.refresh_from_db()
    assert show.status == "ended" and show.ended_by_operator
    assert hook(settings, "update", name=show.stream_key).status_code == 409
    assert OperatorAction.objects.filter(action="live_shop_bar").exists()
    response = client_for(show.shop.owner).post("/api/v1/seller/shows/", {"title": "again"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "live_barred"
    another = Show.objects.create(shop=show.shop, title="sneaked in")
    assert hook(settings, "publish", name=another.stream_key).status_code == 403


def test_mutes_by_the_seller_staff_and_a_named_moderator_not_another_shop():
    from live.services.room import room_moderator_add

    show = make_show()
    viewer, moderator = UserFactory(), UserFactory()
    room_moderator_add(shop=show.shop, username=moderator.username)
    url = f"/api/v1/seller/shows/{show.pk}/mutes/"
    assert (
        client_for(ShopFactory().owner).post(url, {"user": viewer.pk, "minutes": 5}, format="json").status_code == 404
    )
    assert client_for(viewer).post(url, {"user": moderator.pk, "minutes": 5}, format="json").status_code == 404
    assert not RoomRestriction.objects.exists()
    response = client_for(moderator).post(url, {"user": viewer.pk, "minutes": 5}, format="json")
    assert response.status_code == 201 and response.json()["user"] == viewer.pk
    response = client_for(show.shop.owner).post(url, {"user": viewer.pk, "minutes": None}, format="json")
    assert response.status_code == 201 and response.json()["until"] is None
    # A moderator never sees the stream key.
    assert client_for(moderator).get(f"/api/v1/seller/shows/{show.pk}/").status_code == 404


def test_record_done_queues_the_replay_which_remuxes_the_recording_to_mp4(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    import subprocess

    from live.services.replays import media_duration, replay_make

    settings.LIVE_RECORD_DIR = tmp_path
    show = make_show()
    hook(settings, "publish", name=show.stream_key)
    recording = tmp_path / f"{show.public_id}-1.flv"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=160x120:rate=15",
            "-f",
            "lavfi",
            "-i",
            "sine",
            "-t",
            "2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-c:a",
            "aac",
            "-f",
            "flv",
            str(recording),
        ],
        check=True,
    )
    with django_capture_on_commit_callbacks() as callbacks:
        response = hook(settings, "record-done", name=show.stream_key, path=str(recording))
    assert response.status_code == 200
    assert len(callbacks) == 1  # the task, queued on commit
    show = replay_make(show_id=show.pk, recording=str(recording.resolve()))
    assert show.replay.name == f"live/replays/{show.public_id}.mp4"
    assert abs(show.replay_duration - 2.0) < 0.3
    assert abs(media_duration(settings.MEDIA_ROOT / show.replay.name) - 2.0) < 0.3
    assert client_for().get(f"/api/v1/shows/{show.pk}/").json()["replay_url"].endswith(".mp4")
    # Idempotent: a second run keeps the replay.
    assert replay_make(show_id=show.pk, recording=str(recording)).replay.name == show.replay.name
