"""Markup typed into every text field shown in a page never runs in a real browser: no dialog opens
(the new_page fixture fails the test on any dialog or page error), and our CSP blocks none of our own
scripts (a CSP violation on our pages would mean a broken page)."""

from __future__ import annotations

import pytest

from chat.services import conversation_start, message_send
from conftest import browser_login
from notifications.services import notify
from orders.services.lifecycle import order_confirm_receipt
from orders.services.reviews import review_create, review_reply
from orders.tests.helpers import placed_shipped
from tests.factories import PASSWORD, ShopFactory, UserFactory, make_product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = (
    "<script>alert('s')</script><img src=x onerror=\"alert('i')\">"
    "<svg onload=\"alert('v')\"></svg><a href=\"javascript:alert('j')\">j</a>"
)


def test_markup_in_every_field_never_runs(asgi_server, new_page):
    seller = UserFactory(username="xss-seller")
    buyer = UserFactory(username="xss-buyer")
    shop = ShopFactory(owner=seller, name="<svg onload=alert(1)>"[:60], description=PAYLOAD)
    product = make_product(
        shop=shop,
        title=f"萝卜 {PAYLOAD}"[:120],
        description=PAYLOAD,
        skus=(("<img src=x onerror=alert(2)>", "28.00", 10),),
    )
    order = placed_shipped(buyer, product.skus.get())
    order_confirm_receipt(order_id=order.pk, actor=buyer)
    review = review_create(
        order_id=order.pk,
        buyer=buyer,
        line_id=order.lines.get().pk,
        rating=4,
        as_described=4,
        communication=4,
        shipping=4,
        text=PAYLOAD,
    )
    review_reply(review_id=review.pk, actor=seller, text=PAYLOAD)
    conversation, _ = conversation_start(buyer=buyer, shop=shop)
    message_send(user=buyer, conversation=conversation, text=PAYLOAD)
    notify(
        user_id=buyer.pk,
        kind="order_shipped",
        key="xss",
        message="order_shipped",
        params={"number": PAYLOAD, "carrier": PAYLOAD, "tracking": ""},
        url="javascript:alert('n')",
    )

    csp_violations: list[str] = []

    def watch(page):
        page.on("console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text))
        return page

    pages = {
        buyer: [
            f"/product/{product.pk}/",
            f"/shop/{shop.slug}/",
            "/search/?q=萝卜",
            "/",
            f"/orders/{order.number}/",
            "/orders/",
            f"/chats/{conversation.pk}/",
            "/chats/",
            "/notifications/",
        ],
        seller: [
            "/seller/",
            "/seller/orders/",
            "/seller/reviews/",
            f"/seller/inbox/{conversation.pk}/",
            "/seller/inbox/",
            "/seller/products/",
            f"/seller/products/{product.pk}/edit/",
        ],
    }
    for user, paths in pages.items():
        page = watch(new_page(mobile=False))
        browser_login(page, asgi_server.url, user.username, PASSWORD)
        for path in paths:
            page.goto(asgi_server.url + path)
            page.wait_for_load_state("networkidle")
            # Markup stayed text: the payload is visible as characters, never as elements.
            assert page.locator("img[src='x']").count() == 0, path
            assert page.locator("svg[onload]").count() == 0, path
            assert page.locator("a[href^='javascript:']").count() == 0, path
            if path.startswith("/product/"):
                assert "<script>" in page.inner_text("body")
    # the clicks our own scripts handle still work under the CSP
    page = watch(new_page(mobile=False))
    page.goto(f"{asgi_server.url}/product/{product.pk}/")
    page.locator("input[name=sku]").first.check()
    assert csp_violations == []
