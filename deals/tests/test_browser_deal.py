"""A flash deal in Debian's Chromium: the seller starts it from the live console, a viewer's open room shows
the card with the countdown on the server's clock, the window opens, "grab it" → quantity and address →
claim → the sandbox pay page in a new tab; the order is at the deal's price and remembers the show."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import browser_login, screenshot
from deals.broadcast import deal_push
from deals.models import Deal
from live.services.shows import stream_publish
from orders.models import Order
from tests.factories import PASSWORD, UserFactory, make_product, make_show

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_start_a_deal_in_the_console_grab_it_in_the_room_and_pay(asgi_server, new_page):
    show = make_show(title="秒杀直播")
    stream_publish(key=show.stream_key)
    make_product(shop=show.shop, title="湖南腌萝卜", skus=(("500 g", "28.00", 20),))
    show.shop.owner.username = "seller-d"
    show.shop.owner.save(update_fields=["username"])
    UserFactory(username="buyer-d")
    base = asgi_server.url

    seller = new_page(language="en", mobile=False)
    browser_login(seller, base, "seller-d", PASSWORD)
    seller.goto(f"{base}/seller/live/{show.pk}/")
    form = seller.locator("#deal-console-form")
    # a "deal" above the list price: refused, the price marked and focused, nothing started
    price, window = form.locator("input[name=price]"), form.locator("input[name=duration_minutes]")
    price.fill("30.00")
    form.locator('[data-testid="deal-start"]').click()
    expect(seller.locator("#deal-console-error")).to_contain_text("must be below the list price (28.00)")
    expect(price).to_have_attribute("aria-invalid", "true")
    expect(price).to_be_focused()
    screenshot(seller, "deals-console-bad-price-en-desktop")
    # then a 30-minute window (the API's duration_seconds is the minutes' input): that one marked instead
    price.fill("9.90")
    window.fill("30")
    form.locator('[data-testid="deal-start"]').click()
    expect(window).to_have_attribute("aria-invalid", "true")
    expect(price).not_to_have_attribute("aria-invalid", "true")
    assert not Deal.objects.exists()
    form.locator("input[name=quantity]").fill("5")
    form.locator("input[name=starts_in_seconds]").fill("60")
    form.locator("input[name=duration_minutes]").fill("2")
    screenshot(seller, "deals-console-form-en-desktop")
    form.locator('[data-testid="deal-start"]').click()
    expect(seller.locator('[data-testid="deal-now"]')).to_contain_text("5 of 5 left")
    screenshot(seller, "deals-console-en-desktop")
    deal = Deal.objects.get()
    assert (deal.price, deal.quantity, deal.ends_at - deal.starts_at) == (Decimal("9.90"), 5, timedelta(minutes=2))

    viewer = new_page(language="zh-CN")
    browser_login(viewer, base, "buyer-d", PASSWORD)
    viewer.goto(f"{base}/live/{show.pk}/")
    card = viewer.locator('[data-testid="deal-card"]')
    expect(card).to_be_visible()
    expect(viewer.locator('[data-testid="deal-clock"]')).to_contain_text("0:5")  # opens in ~0:59
    expect(viewer.locator('[data-testid="deal-grab"]')).to_be_disabled()
    screenshot(viewer, "deals-room-upcoming-zh-phone")

    # The countdown is over (the clock moves on): the room gets the deal's frame and the card opens.
    Deal.objects.filter(pk=deal.pk).update(starts_at=timezone.now() - timedelta(seconds=1))
    pusher = threading.Thread(target=deal_push, args=(deal.pk,))  # Playwright's loop owns this thread
    pusher.start()
    pusher.join()
    expect(viewer.locator('[data-testid="deal-grab"]')).to_be_enabled()
    viewer.click('[data-testid="deal-grab"]')
    for field, value in {
        "name": "王小明",
        "phone": "13800000000",
        "province": "湖北",
        "city": "武汉",
        "line": "珞喻路 1 号",
    }.items():
        viewer.fill(f"#deal-form input[name={field}]", value)
    screenshot(viewer, "deals-room-sheet-zh-phone")
    # a phone the courier cannot call: refused, the field marked; nothing taken
    phone = viewer.locator("#deal-form input[name=phone]")
    phone.fill("call me")
    viewer.click('[data-testid="deal-claim"]')
    expect(viewer.locator("#deal-error")).to_have_text("请填写快递员能联系到的电话号码。")
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_be_focused()
    assert not Order.objects.exists()
    phone.fill("13800000000")
    viewer.click('[data-testid="deal-claim"]')
    expect(viewer.locator('[data-testid="deal-pay"]')).to_be_visible()
    expect(viewer.locator('[data-testid="deal-left"]')).to_contain_text("4")  # the room's frame: one taken
    with viewer.expect_popup() as popup_info:
        viewer.click('[data-testid="deal-pay"]')
    popup_info.value.click('[data-testid="approve-payment"]')

    order = Order.objects.get()
    assert (order.source_kind, order.source_id, order.total) == ("show", show.pk, Decimal("9.90"))
    expect(popup_info.value.locator("body")).to_be_visible()
    for _ in range(50):
        order.refresh_from_db()
        if order.status == "paid":
            break
        viewer.wait_for_timeout(100)
    assert order.status == "paid"
    desktop = new_page(language="en", mobile=False)
    desktop.goto(f"{base}/live/{show.pk}/")
    expect(desktop.locator('[data-testid="deal-left"]')).to_contain_text("4 of 5 left")
    screenshot(desktop, "deals-room-open-en-desktop")
