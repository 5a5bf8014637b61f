"""Issue 21: followers of the shop hear it (in the page, by e-mail if they allow it) when a show goes live."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from live.services import followers
from live.services.followers import show_followers_notify
from notifications.models import Notification
from notifications.services import preference_set
from shops.services import shop_follow_toggle
from tests.factories import UserFactory, make_show

pytestmark = pytest.mark.django_db


def hook(settings, callback: str, **fields):
    return Client().post(f"/live/hooks/{callback}/?secret={settings.LIVE_HOOK_SECRET}", {"app": "live", **fields})


def test_followers_are_notified_once_when_the_show_goes_live(settings, django_capture_on_commit_callbacks):
    show = make_show(title="腌萝卜直播")
    shop = show.shop
    emailed, in_app_only, stranger = UserFactory(), UserFactory(), UserFactory()
    shop_follow_toggle(shop=shop, user=emailed)
    shop_follow_toggle(shop=shop, user=in_app_only)
    preference_set(user_id=in_app_only.pk, kind="show_live", email=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert hook(settings, "publish", name=show.stream_key).status_code == 302

    rows = Notification.objects.filter(kind="show_live")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([emailed.pk, in_app_only.pk])
    assert not Notification.objects.filter(user=stranger).exists()
    note = rows.get(user=emailed)
    assert note.render("zh-hans") == f"「{shop.name}」正在直播：腌萝卜直播"
    assert note.render("en") == f"“{shop.name}” is live: 腌萝卜直播"
    assert note.url == f"/live/{show.pk}/" and note.key == f"show:{show.pk}:live"
    # The e-mail goes to the follower who allows it, not to the in-app-only one.
    assert [m.to for m in mail.outbox] == [[emailed.email]]
    assert "腌萝卜直播" in mail.outbox[0].body
    note.refresh_from_db()
    assert note.emailed_at is not None

    # A second publish (refused while live) and a retried batch task write and send nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert hook(settings, "publish", name=show.stream_key).status_code == 409
        show_followers_notify(show_id=show.pk)
    assert Notification.objects.filter(kind="show_live").count() == 2
    assert len(mail.outbox) == 1


def test_many_followers_are_notified_in_batches_with_bounded_queries(
    settings, monkeypatch, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    show = make_show()
    fans = [UserFactory() for _ in range(7)]
    for fan in fans:
        shop_follow_toggle(shop=show.shop, user=fan)
        preference_set(user_id=fan.pk, kind="show_live", email=False)
    monkeypatch.setattr(followers, "FOLLOWERS_BATCH", 3)  # 3 tasks: 3 + 3 + 1
    with django_capture_on_commit_callbacks(execute=True):
        assert hook(settings, "publish", name=show.stream_key).status_code == 302
    assert Notification.objects.filter(kind="show_live").count() == 7
    assert mail.outbox == []

    # One batch's queries do not grow with its size (no query per follower).
    Notification.objects.all().delete()
    with django_assert_max_num_queries(12), django_capture_on_commit_callbacks(execute=True):
        show_followers_notify(show_id=show.pk, batch=7)
    assert Notification.objects.filter(kind="show_live").count() == 7
