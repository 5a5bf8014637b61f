"""Operators in admin: shows with live ones first, ending with a reason (audited), reported messages."""

from __future__ import annotations

import pytest

from accounts.models import OperatorAction
from live.models import LiveBar, RoomMessage
from live.services.room import room_message_report, room_message_send
from live.services.shows import stream_publish
from tests.factories import UserFactory, make_show

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_live_shows_come_first_and_the_stream_key_is_not_shown(operator_client):
    make_show(title="later")
    live = make_show(title="on air")
    stream_publish(key=live.stream_key)
    page = operator_client.get("/admin/live/show/").content.decode()
    assert page.index("on air") < page.index("later")
    detail = operator_client.get(f"/admin/live/show/{live.pk}/change/").content.decode()
    assert live.stream_key not in detail


def test_ending_a_show_needs_a_reason_and_is_audited(operator_client):
    show = make_show()
    stream_publish(key=show.stream_key)
    action = {"action": "end_shows", "_selected_action": [show.pk]}
    operator_client.post("/admin/live/show/", {**action, "reason": ""})
    show.refresh_from_db()
    assert show.status == "live"
    operator_client.post("/admin/live/show/", {**action, "reason": "违规内容"})
    show.refresh_from_db()
    assert show.status == "ended" and show.ended_by_operator and show.end_reason == "违规内容"
    assert OperatorAction.objects.filter(action="live_show_end", reason="违规内容").exists()


def test_barring_a_shop_and_taking_down_a_reported_message(operator_client):
    show = make_show()
    viewer = UserFactory()
    message = room_message_send(show=show, user=viewer, text="广告")
    room_message_report(show=show, user=UserFactory(), message_id=message.pk, reason="spam")
    operator_client.post(
        "/admin/live/show/", {"action": "bar_shops", "_selected_action": [show.pk], "reason": "多次违规"}
    )
    assert LiveBar.objects.get(shop=show.shop).reason == "多次违规"
    assert "广告" in operator_client.get("/admin/live/roommessage/?reported_at__isempty=0").content.decode()
    operator_client.post("/admin/live/roommessage/", {"action": "hide_messages", "_selected_action": [message.pk]})
    assert RoomMessage.objects.get(pk=message.pk).hidden
