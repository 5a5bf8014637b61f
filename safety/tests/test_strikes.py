from datetime import timedelta

import pytest
from django.utils import timezone

from safety.errors import ChatMuted
from safety.models import ChatMute, ContactStrike
from safety.services import chat_mute_check, chat_mute_review, text_screen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def screen(user, text, **kwargs):
    return text_screen(user=user, text=text, source="chat", source_id=7, **kwargs)


def test_ordinary_text_passes_untouched_and_counts_nothing():
    user = UserFactory()

    screened = screen(user, "两罐50元可以吗，12月1日发货")

    assert (screened.text, screened.flags) == ("两罐50元可以吗，12月1日发货", [])
    assert not ContactStrike.objects.exists()


def test_a_masked_message_is_a_strike_with_the_original_kept_for_operators():
    user = UserFactory()

    screened = screen(user, "加我微信 zhang_san88")

    assert screened.text == "加我微信 ***" and screened.flags == ["contact_details"]
    strike = ContactStrike.objects.get()
    assert (strike.original_text, strike.masked_text) == ("加我微信 zhang_san88", "加我微信 ***")
    assert strike.kinds == ["wechat"]


def test_the_third_strike_in_thirty_days_mutes_for_a_day_and_queues_it():
    user = UserFactory()
    old = ContactStrike.objects.create(user=user, source="chat", source_id=7, original_text="x", masked_text="x")
    ContactStrike.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))

    assert not screen(user, "13800138000").muted_now
    assert not screen(user, "QQ 12345678").muted_now
    chat_mute_check(user=user)  # two in the window: not yet
    third = screen(user, "abc@qq.com")

    assert third.muted_now
    mute = ChatMute.objects.get(user=user)
    assert timedelta(hours=23, minutes=59) < mute.until - timezone.now() <= timedelta(hours=24)
    assert mute.reviewed_at is None
    with pytest.raises(ChatMuted) as refused:
        chat_mute_check(user=user)
    assert refused.value.details["until"] == mute.until.isoformat()
    # A fourth strike while muted does not stack another mute.
    screen(user, "13900139000")
    assert ChatMute.objects.filter(user=user).count() == 1


def test_an_operator_lifts_a_mute_and_it_leaves_the_queue():
    user, operator = UserFactory(), UserFactory(is_staff=True)
    for text in ("13800138000", "QQ 12345678", "abc@qq.com"):
        screen(user, text)
    mute = ChatMute.objects.get()

    chat_mute_review(mute_id=mute.pk, operator=operator, lift=True)

    chat_mute_check(user=user)
    mute.refresh_from_db()
    assert mute.reviewed_by == operator and mute.until <= timezone.now()


def test_a_phone_number_in_a_live_room_is_masked_for_everyone_and_counted():
    from live.services.room import room_message_send
    from tests.factories import make_show

    show = make_show()
    viewer = UserFactory()

    message = room_message_send(show=show, user=viewer, text="想要的加我 vx: farmer_wang8")

    assert message.text == "想要的加我 vx: ***"
    assert ContactStrike.objects.get(user=viewer).source == "live"
