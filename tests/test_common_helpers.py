"""The helpers every app shares: ids, money as written, text a user typed, the overdue sweep."""

from decimal import Decimal

import pytest
from django.utils import translation

from common.errors import NotFound, ValidationFailed
from common.ids import MAX_ID, parse_id
from common.money import fen_str, money_html, money_str
from common.serializers import StrictCharField
from common.text import clean_text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("value", [1, "1", " 42 ", MAX_ID, str(MAX_ID)])
def test_an_id_is_a_positive_64_bit_integer(value):
    assert parse_id(value) == int(str(value).strip())


@pytest.mark.parametrize(
    "value", [0, -1, "-1", "+1", MAX_ID + 1, "1.0", 1.0, "1e3", True, None, "", "١", [1], "x" * 30]
)
def test_anything_else_in_a_url_is_not_found(value):
    with pytest.raises(NotFound):
        parse_id(value)


def test_an_id_sent_in_a_body_is_a_field_error_in_the_callers_words():
    with pytest.raises(ValidationFailed) as caught:
        parse_id("abc", field="items[0].sku", message="Give the SKU's id.")
    assert caught.value.fields == {"items[0].sku": ["Give the SKU's id."]}
    with pytest.raises(ValidationFailed) as caught:
        parse_id(None, field="payment")
    assert list(caught.value.fields) == ["payment"]


def test_money_is_written_three_ways():
    assert money_str(Decimal("12.3")) == "12.30"
    assert money_str(Decimal("-0.5")) == "-0.50"
    assert fen_str(1234) == "12.34"
    assert fen_str(-5) == "-0.05"
    assert fen_str(None) == "0.00"
    assert money_html(Decimal("9.9")) == '<span class="price"><small>¥</small>9.90</span>'
    assert money_html(None) == ""


def test_clean_text_only_cleans_without_a_field():
    assert clean_text(" a\u202e b\x00\n c ", multiline=False) == "a b c"
    assert clean_text("a\n\nb") == "a\n\nb"


def test_clean_text_checks_a_field():
    assert clean_text(None, field="note") == ""
    with pytest.raises(ValidationFailed) as caught:
        clean_text(5, field="note")
    assert caught.value.fields == {"note": ["Must be text."]}
    with pytest.raises(ValidationFailed) as caught:
        clean_text(" \x00 ", field="title", required=True, required_message="Give the show a title.")
    assert caught.value.fields == {"title": ["Give the show a title."]}
    with pytest.raises(ValidationFailed) as caught:
        clean_text(5, field="address.line", required=True)
    assert caught.value.fields == {"address.line": ["This field is required."]}
    with pytest.raises(ValidationFailed) as caught:
        clean_text("abcd", field="name", max_length=3)
    assert caught.value.fields == {"name": ["At most 3 characters."]}
    assert clean_text(" abc ", field="name", max_length=3) == "abc"


def test_clean_text_can_raise_the_apps_own_code():
    class TooLong(ValidationFailed):
        code = "too_long"

    with pytest.raises(TooLong) as caught:
        clean_text("abcd", field="text", max_length=3, too_long_message="Short, please.", too_long_error=TooLong)
    assert caught.value.fields == {"text": ["Short, please."]}


@pytest.mark.parametrize("value", [0, 1.5, True, ["a"], {"a": 1}])
def test_a_strict_char_field_takes_text_only(value):
    from rest_framework import serializers

    with pytest.raises(serializers.ValidationError) as caught:
        StrictCharField(max_length=5).run_validation(value)
    assert caught.value.detail == ["Not a valid string."]
    assert StrictCharField(max_length=5).run_validation(" ok ") == "ok"


def test_a_push_from_sync_code_on_a_thread_whose_event_loop_runs_is_sent():
    """A service's on-commit push called where an event loop runs under the sync caller (Playwright's sync
    API does this on a browser test's thread): asgiref refuses async_to_sync there and the push was lost
    (281 times in one browser run); `from_sync` sends it from a thread of its own."""
    import asyncio
    import uuid

    from channels.layers import get_channel_layer

    from common.ws import from_sync

    layer = get_channel_layer()
    group = f"from-sync-{uuid.uuid4().hex[:8]}"

    async def scenario() -> dict:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            from_sync(layer.group_send, group, {"type": "test.pushed", "n": 1})  # sync, the loop running
            return await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(group, channel)

    assert asyncio.run(scenario()) == {"type": "test.pushed", "n": 1}
