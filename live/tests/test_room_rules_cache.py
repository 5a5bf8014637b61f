"""The room's rules (the shop's block list, the show's mutes and removals) are cached per show under version
keys: a message reads no restriction or block-list row, and every change takes effect on the very next
message even when the cache is warm."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from live.errors import BlockedWordUsed, Muted
from live.services.room import blocked_word_add, blocked_word_remove, room_message_send, room_mute, room_unmute
from tests.factories import UserFactory, make_show

pytestmark = pytest.mark.django_db


def send(show, user, text):
    return room_message_send(show=show, user=user, text=text, role="viewer")


def test_a_second_message_reads_no_restriction_or_block_list_row():
    show = make_show()
    viewer = UserFactory()
    send(show, viewer, "第一条")
    with CaptureQueriesContext(connection) as queries:
        send(show, viewer, "第二条")
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "live_roomrestriction" not in tables and "live_blockedword" not in tables
    assert len(queries.captured_queries) == 1  # the INSERT only


def test_mute_refuses_the_next_message_with_a_warm_cache_and_unmute_lets_it_through(
    django_capture_on_commit_callbacks,
):
    show = make_show()
    viewer = UserFactory()
    send(show, viewer, "warm the cache")
    with django_capture_on_commit_callbacks(execute=True):
        room_mute(show=show, by=show.shop.owner, user_id=viewer.pk, minutes=None)
    with pytest.raises(Muted) as refused:
        send(show, viewer, "still here?")
    assert refused.value.code == "muted"
    send(show, UserFactory(), "others still write")
    with django_capture_on_commit_callbacks(execute=True):
        room_unmute(show=show, user_id=viewer.pk)
    assert send(show, viewer, "back again").pk


def test_a_new_blocked_word_masks_the_next_message_in_every_show_of_the_shop(django_capture_on_commit_callbacks):
    show = make_show()
    other_show = make_show(shop=show.shop)
    viewer = UserFactory()
    send(show, viewer, "腌萝卜好吃")
    send(other_show, viewer, "腌萝卜好吃")
    with django_capture_on_commit_callbacks(execute=True):
        word = blocked_word_add(shop=show.shop, word="萝卜")
    for a_show in (show, other_show):
        with pytest.raises(BlockedWordUsed):
            send(a_show, viewer, "腌萝卜好吃")
    with django_capture_on_commit_callbacks(execute=True):
        blocked_word_remove(shop=show.shop, word_id=word.pk)
    assert send(show, viewer, "腌萝卜好吃").pk
