"""Pin → buy from the room, in Debian's Chromium: the seller pins a product in the live console (one tap), the
card appears in a viewer's open room at once, "buy now" opens the sheet over the room (SKU, address), the
order is placed and paid on the sandbox page in a new tab while the room stays where it is, and the order's
page says it came from the show."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import browser_login, screenshot
from live.services.show_stats import show_statistics
from live.services.shows import stream_publish
from orders.models import Order
from tests.factories import PASSWORD, UserFactory, make_product, make_show

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pin_in_the_console_buy_in_the_room_pay_and_the_order_shows_the_show(asgi_server, new_page):
    show = make_show(title="腌萝卜直播")
    stream_publish(key=show.stream_key)
    product = make_product(shop=show.shop, title="湖南腌萝卜", skus=(("500 g", "28.00", 9), ("1 kg", "50.00", 4)))
    show.shop.owner.username = "seller-p"
    show.shop.owner.save(update_fields=["username"])
    UserFactory(username="buyer-p")
    base = asgi_server.url

    viewer = new_page(language="zh-CN")
    browser_login(viewer, base, "buyer-p", PASSWORD)
    viewer.goto(f"{base}/live/{show.pk}/")
    expect(viewer.locator("#live-pin")).to_be_hidden()
    viewer.evaluate("window.roomMarker = 'still here'")  # gone if the room navigated away or reloaded

    seller = new_page(language="en", mobile=False)
    browser_login(seller, base, "seller-p", PASSWORD)
    seller.goto(f"{base}/seller/live/{show.pk}/")
    seller.click(f'[data-testid="pin-product"][data-product="{product.pk}"]')
    expect(seller.locator('[data-testid="pinned-now"]')).to_have_text("湖南腌萝卜")
    screenshot(seller, "live-console-pinned-en-desktop")

    card = viewer.locator('[data-testid="live-pin"]')
    expect(card).to_be_visible()
    expect(card).to_contain_text("湖南腌萝卜")
    expect(card).to_contain_text("13")  # stock left
    screenshot(viewer, "live-room-pinned-zh-phone")
    sheet_fill(viewer, phone="13800000000")
    expect(viewer.locator("#live-total")).to_have_text("100.00")
    # a phone the courier cannot call: the sheet says so in the buyer's words (it once read "[object Object]")
    viewer.fill("#live-buy-form input[name=phone]", "call me")
    viewer.click('[data-testid="live-place"]')
    error = viewer.locator("#live-buy-error")
    expect(error).to_have_text("请填写快递员能联系到的电话号码。")
    phone = viewer.locator("#live-buy-form input[name=phone]")
    expect(phone).to_have_attribute("aria-invalid", "true")  # the field the error names is marked, and focused
    expect(phone).to_have_attribute("aria-describedby", "live-buy-error")
    expect(phone).to_be_focused()
    expect(viewer.locator("#live-buy-form input[name=name]")).not_to_have_attribute("aria-invalid", "true")
    screenshot(viewer, "live-room-sheet-bad-phone-zh-phone")
    viewer.locator("#live-buy-form input[name=city]").focus()  # red once the focus has left it, not the sheet's grey
    assert phone.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(198, 40, 40)"  # --bad
    # and in English, on a desktop
    UserFactory(username="buyer-e")
    english = new_page(language="en", mobile=False)
    browser_login(english, base, "buyer-e", PASSWORD)
    english.goto(f"{base}/live/{show.pk}/")
    sheet_fill(english, phone="call me")
    english.click('[data-testid="live-place"]')
    expect(english.locator("#live-buy-error")).to_have_text("Give a phone number the courier can call.")
    screenshot(english, "live-room-sheet-bad-phone-en-desktop")
    assert not Order.objects.exists()
    viewer.fill("#live-buy-form input[name=phone]", "13800000000")
    screenshot(viewer, "live-room-sheet-zh-phone")
    viewer.click('[data-testid="live-place"]')
    expect(error).to_be_hidden()
    expect(phone).not_to_have_attribute("aria-invalid", "true")
    expect(viewer.locator('[data-testid="live-pay"]')).to_be_visible()
    with viewer.expect_popup() as popup_info:
        viewer.click('[data-testid="live-pay"]')
    pay = popup_info.value
    pay.click('[data-testid="approve-payment"]')
    expect(viewer.locator('[data-testid="live-paid"]')).to_be_visible(timeout=15_000)
    assert viewer.evaluate("window.roomMarker") == "still here"
    assert viewer.url.endswith(f"/live/{show.pk}/")

    order = Order.objects.get()
    assert (order.source_kind, order.source_id, order.status, order.total) == ("show", show.pk, "paid", 100)
    pay.goto(f"{base}/orders/{order.number}/")
    expect(pay.locator('[data-testid="order-source"]')).to_contain_text("腌萝卜直播")
    stats = show_statistics(show=show)
    # two viewers opened the sheet from the card (the Chinese one and the English one); one bought 2
    assert (stats["paid_orders"], stats["pinned"][0]["clicks"], stats["pinned"][0]["quantity"]) == (1, 2, 2)

    seller.goto(f"{base}/seller/live/{show.pk}/stats/")
    expect(seller.locator('[data-testid="stat-paid"]')).to_have_text("1")
    screenshot(seller, "live-stats-en-desktop")


def sheet_fill(page, *, phone: str) -> None:
    """Opens the buy sheet from the pinned card; the second SKU, 2 of it, an address in Wuhan."""
    page.click('[data-testid="live-buy"]')
    expect(page.locator('[data-testid="live-sheet"]')).to_be_visible()
    page.check("input[name=sku] >> nth=1")
    page.fill("#live-qty", "2")
    address = {"name": "王小明", "phone": phone, "province": "湖北", "city": "武汉", "line": "珞喻路 1 号"}
    for field, value in address.items():
        page.fill(f"#live-buy-form input[name={field}]", value)
