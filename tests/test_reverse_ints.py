"""common.reversing.reverse_ints gives exactly what `reverse()` gives, under any URLconf and script prefix, and
falls back to `reverse()` where its remembered form would not be exact."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import NoReverseMatch, path, register_converter, reverse, set_script_prefix

from common.reversing import reverse_ints


class HexConverter:
    regex = "[0-9a-f]+"

    def to_python(self, value: str) -> int:
        return int(value, 16)

    def to_url(self, value: int) -> str:
        return f"{value:x}"


register_converter(HexConverter, "hex")


def _view(request, **kwargs):
    return HttpResponse()


urlpatterns = [
    path("shelf/<int:shelf>/item/<int:item>/", _view, name="two"),
    path("z/<int:b>/a/<int:a>/", _view, name="reversed-order"),
    path("hex/<hex:n>/", _view, name="hex"),
    path("pay/sandbox/<int:payment_id>/", _view, name="same-name-elsewhere"),
]


@pytest.mark.parametrize(
    ("viewname", "kwargs"),
    [
        ("orders:my-orders", {}),
        ("payments:sandbox", {"payment_id": 1}),
        ("payments:sandbox", {"payment_id": 0}),
        ("payments:sandbox", {"payment_id": 7_390_000_000_000_173}),  # the sentinel itself
        ("payments:sandbox", {"payment_id": 10**30}),
    ],
)
def test_the_site_urls_are_what_reverse_gives(viewname, kwargs):
    for _ in range(2):  # the first call remembers the form, the second uses it
        assert reverse_ints(viewname, **kwargs) == reverse(viewname, kwargs=kwargs)


def test_under_a_script_prefix_the_prefix_is_kept():
    try:
        set_script_prefix("/shop/")
        assert (
            reverse_ints("payments:sandbox", payment_id=42)
            == "/shop/pay/sandbox/42/"
            == reverse("payments:sandbox", kwargs={"payment_id": 42})
        )
    finally:
        set_script_prefix("/")
    assert reverse_ints("payments:sandbox", payment_id=42) == "/pay/sandbox/42/"


@override_settings(ROOT_URLCONF=__name__)
def test_another_urlconf_has_its_own_forms():
    assert reverse_ints("same-name-elsewhere", payment_id=5) == "/pay/sandbox/5/"
    assert (
        reverse_ints("two", shelf=3, item=12) == "/shelf/3/item/12/" == reverse("two", kwargs={"shelf": 3, "item": 12})
    )
    # arguments in the URL in another order than their names' sorted order: still exact
    assert reverse_ints("reversed-order", a=1, b=2) == reverse("reversed-order", kwargs={"a": 1, "b": 2})
    # a converter that does not write the number as it is: reverse() answers
    assert reverse_ints("hex", n=255) == "/hex/ff/" == reverse("hex", kwargs={"n": 255})


def test_what_is_not_a_non_negative_int_goes_to_reverse():
    with pytest.raises(NoReverseMatch):
        reverse_ints("payments:sandbox", payment_id=-1)
    with pytest.raises(NoReverseMatch):
        reverse_ints("payments:sandbox", payment_id="x")
    assert reverse_ints("payments:sandbox", payment_id="7") == reverse("payments:sandbox", kwargs={"payment_id": "7"})
