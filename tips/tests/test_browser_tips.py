"""Tips in Debian's Chromium: a repeat buyer opens the flowers sheet in a live room, picks ¥5, approves the
sandbox payment in the tab it opens (the room stays), and every viewer's room shows the flowers."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from conftest import browser_login, screenshot, wait_until
from tests.factories import PASSWORD
from tips.models import Tip
from tips.tests.test_tips import live_show, repeat_buyer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/tips")


def test_a_repeat_buyer_sends_flowers_from_the_room_and_the_room_shows_them(asgi_server, new_page):
    show = live_show()
    repeat_buyer(username="flower-fan")
    base = asgi_server.url

    watcher = new_page(language="en", mobile=False)
    watcher.goto(f"{base}/live/{show.pk}/")
    room = new_page(language="zh-CN")
    browser_login(room, base, "flower-fan", PASSWORD)
    room.goto(f"{base}/live/{show.pk}/")
    expect(room.locator(".live-room")).to_have_attribute("data-status", "live")
    room.get_by_test_id("tips-button").click()
    expect(room.locator("#tips-sheet")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(SHOTS / "sheet-phone.png"))

    with room.context.expect_page() as opened:
        room.get_by_test_id("tip-5").click()
    pay = opened.value
    pay.wait_for_url("**/pay/sandbox/**")
    expect(room.locator("#tips-wait")).to_be_visible()
    with pay.expect_navigation():
        pay.get_by_test_id("approve-payment").click()
    assert "/tips/paid/" in pay.url
    expect(pay.get_by_test_id("tips-paid")).to_be_visible()
    pay.screenshot(path=str(SHOTS / "paid-phone.png"))
    pay.wait_for_event("close")  # the tab the room opened closes itself

    wait_until(lambda: Tip.objects.filter(status=Tip.Status.PAID).count() == 1, 10, "the tip to be paid")
    for page in (room, watcher):
        expect(page.locator(".tips-flower")).to_contain_text("flower-fan")
    expect(room.locator("#tips-sheet")).to_be_hidden()  # the sender's sheet thanked them and closed
    watcher.screenshot(path=str(SHOTS / "flowers-desktop.png"))
    room.screenshot(path=str(SHOTS / "flowers-phone.png"))
    screenshot(room, "tips-room-phone")
