"""Buyer and seller pages through the real URLs with the Django test client."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import CartItem, Order
from tests.factories import ADDRESS, ShopFactory, SkuFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_url_names_other_pages_rely_on():
    assert reverse("orders:cart") == "/cart/"
    assert reverse("orders:cart-add") == "/cart/add/"
    assert reverse("orders:my-orders") == "/orders/"
    assert reverse("seller:orders") == "/seller/orders/"
    assert reverse("payments:sandbox", kwargs={"payment_id": 1}) == "/pay/sandbox/1/"


def test_add_to_cart_then_cart_page_shows_it_and_the_badge_counts():
    buyer, sku = UserFactory(), sku_in_shop(ShopFactory(), price="28.00")
    client = logged_in(buyer)

    response = client.post("/cart/add/", {"sku": sku.pk, "quantity": "2"})
    assert response.status_code == 302
    page = client.get("/cart/")

    assert page.status_code == 200
    html = page.content.decode()
    assert sku.product.title in html and "56.00" in html
    # the badge counts items, not lines (issue 18 #13): two jars are 2
    assert 'id="cart-badge" data-count="2"' in html


@pytest.mark.parametrize("quantity", ["-1", "0", "1.5", "1e3", str(2**63), "abc"])
def test_add_to_cart_with_a_bad_quantity_writes_nothing(quantity):
    client = logged_in(UserFactory())
    response = client.post("/cart/add/", {"sku": sku_in_shop(ShopFactory()).pk, "quantity": quantity}, follow=True)
    assert response.status_code == 200 and not CartItem.objects.exists()


def test_anonymous_add_to_cart_goes_to_log_in():
    response = Client().post("/cart/add/", {"sku": 1, "quantity": 1})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def _next_of(location: str) -> str:
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(location).query)["next"][0]


def test_a_visitor_who_adds_to_cart_logs_in_and_finds_the_item_in_the_cart():
    """Issue 18 #1: the log-in page says why it appeared, and the add is done after log-in."""
    from tests.factories import PASSWORD

    buyer, sku = UserFactory(), sku_in_shop(ShopFactory(), price="28.00", stock=10)
    product_url = reverse("product", args=[sku.product_id])
    client = Client()
    asked = client.post(
        "/cart/add/",
        {"sku": sku.pk, "quantity": "3"},
        HTTP_REFERER=f"http://testserver{product_url}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    login_page = client.get(asked["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in to add this to your cart" in login_page.content.decode()
    assert not CartItem.objects.exists()

    next_url = _next_of(asked["Location"])
    logged_in = client.post("/accounts/login/", {"username": buyer.username, "password": PASSWORD, "next": next_url})
    assert logged_in["Location"] == next_url
    landed = client.get(next_url, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert landed.redirect_chain[-1][0] == "/cart/"
    assert "Added to your cart." in landed.content.decode()
    assert CartItem.objects.get(cart__user=buyer).quantity == 3

    # done once: the same link again adds nothing
    client.get(next_url)
    assert CartItem.objects.get(cart__user=buyer).quantity == 3


def test_a_visitor_who_buys_now_goes_on_to_checkout_after_log_in():
    from tests.factories import PASSWORD

    buyer, sku = UserFactory(), sku_in_shop(ShopFactory(), price="28.00", stock=10)
    client = Client()
    asked = client.post("/cart/add/", {"sku": sku.pk, "quantity": "2", "buy_now": "1"})
    next_url = _next_of(asked["Location"])
    client.post("/accounts/login/", {"username": buyer.username, "password": PASSWORD, "next": next_url})
    assert client.get(next_url)["Location"] == f"/checkout/?sku={sku.pk}&quantity=2"


def test_a_replayed_add_link_does_nothing_for_someone_else():
    sku = sku_in_shop(ShopFactory(), stock=10)
    asked = Client().post("/cart/add/", {"sku": sku.pk, "quantity": "2"})
    other = logged_in(UserFactory())
    assert other.get(_next_of(asked["Location"]))["Location"] == "/cart/"
    assert not CartItem.objects.exists()


def test_not_enough_stock_names_the_sku_in_the_pages_language_and_keeps_the_choice():
    """Issue 18 #4: not "Only 106 left of SKU 1." but the SKU's name, translated; quantity and SKU kept."""
    sku = sku_in_shop(ShopFactory(), stock=5)
    big = SkuFactory(product=sku.product, name="五斤装", stock=4)
    client = logged_in(UserFactory())
    product_url = reverse("product", args=[sku.product_id])
    response = client.post(
        "/cart/add/", {"sku": big.pk, "quantity": "7"}, HTTP_REFERER=f"http://testserver{product_url}", follow=True
    )
    html = response.content.decode()
    assert f"仅剩 4 件“{sku.product.title} · 五斤装”" in html
    assert f"SKU {big.pk}" not in html
    assert response.redirect_chain[-1][0].endswith(f"{product_url}?sku={big.pk}&quantity=7")
    assert re.search(rf'value="{big.pk}"[^>]*checked', html)
    assert 'name="quantity" value="7"' in html
    assert not CartItem.objects.exists()

    english = client.post(
        "/api/v1/cart/items/",
        {"sku": big.pk, "quantity": 7},
        HTTP_ACCEPT_LANGUAGE="en",
        content_type="application/json",
    ).json()["error"]
    assert english["message"] == f"Only 4 left of “{sku.product.title} · 五斤装”."
    assert english["details"] == {"sku": big.pk, "available": 4}


def test_buy_now_goes_to_checkout_and_placing_the_order_goes_to_the_pay_page():
    buyer, sku = UserFactory(), sku_in_shop(ShopFactory(), price="28.00", stock=3)
    client = logged_in(buyer)

    to_checkout = client.post("/cart/add/", {"sku": sku.pk, "quantity": "2", "buy_now": "1"})
    assert to_checkout["Location"] == f"/checkout/?sku={sku.pk}&quantity=2"
    page = client.get(to_checkout["Location"])
    assert page.status_code == 200 and "56.00" in page.content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page.content.decode()).group(1)

    form = {**ADDRESS, "idempotency_key": key, "sku": sku.pk, "quantity": 2}
    placed = client.post(to_checkout["Location"], form)
    double_submit = client.post(to_checkout["Location"], form)

    order = Order.objects.get()
    assert placed.status_code == 302 and placed["Location"] == f"/pay/sandbox/{order.payment_id}/"
    assert double_submit["Location"] == placed["Location"] and Order.objects.count() == 1

    pay_page = client.get(placed["Location"])
    assert pay_page.status_code == 200 and "56.00" in pay_page.content.decode()
    assert "<strong>沙箱支付</strong>" in pay_page.content.decode()  # the provider's name, in the page's language
    paid = client.post(placed["Location"])
    assert paid["Location"] == "/orders/"
    order.refresh_from_db()
    assert order.status == "paid"
    orders_page = client.get("/orders/").content.decode()
    assert order.number in orders_page and "timeline" in orders_page


def test_checkout_page_shows_address_errors_and_keeps_stock():
    buyer, sku = UserFactory(), sku_in_shop(ShopFactory(), stock=3)
    client = logged_in(buyer)
    client.post("/cart/add/", {"sku": sku.pk, "quantity": "1"})

    response = client.post("/checkout/", {**ADDRESS, "phone": "", "idempotency_key": "k"})

    assert response.status_code == 200 and not Order.objects.exists()
    sku.refresh_from_db()
    assert sku.stock == 3


def test_other_peoples_pages_are_404():
    buyer, sku = UserFactory(), sku_in_shop(ShopFactory())
    client = logged_in(buyer)
    client.post("/cart/add/", {"sku": sku.pk, "quantity": "1"})
    client.post("/checkout/", {**ADDRESS, "idempotency_key": "k"})
    order = Order.objects.get()
    stranger = logged_in(UserFactory())

    assert stranger.get(f"/orders/{order.number}/").status_code == 404
    assert stranger.get(f"/pay/sandbox/{order.payment_id}/").status_code == 404
    assert stranger.post(f"/orders/{order.number}/cancel/").status_code == 404
    assert stranger.get(f"/pay/sandbox/{2**70}/").status_code == 404
    assert client.get(f"/orders/{order.number}/").status_code == 200


def test_seller_ships_from_the_seller_center_and_answers_a_refund():
    shop = ShopFactory()
    buyer, sku = UserFactory(), sku_in_shop(shop, price="50.00")
    client = logged_in(buyer)
    client.post("/cart/add/", {"sku": sku.pk, "quantity": "1"})
    client.post("/checkout/", {**ADDRESS, "idempotency_key": "k"})
    order = Order.objects.get()
    client.post(f"/pay/sandbox/{order.payment_id}/")
    seller = logged_in(shop.owner)

    listing = seller.get("/seller/orders/?status=paid")
    assert listing.status_code == 200 and order.number in listing.content.decode()
    assert 'data-testid="ship-form"' in listing.content.decode()
    seller.post(f"/seller/orders/{order.number}/ship/", {"carrier": "SF Express", "tracking_number": "SF12345678"})
    order.refresh_from_db()
    assert order.status == "shipped" and order.tracking_number == "SF12345678"

    client.post(f"/orders/{order.number}/refund/", {"reason": "坏了", "amount": "10.00"})
    request = order.refund_requests.get()
    assert "坏了" in seller.get("/seller/orders/").content.decode()
    seller.post(f"/seller/refund-requests/{request.pk}/reject/", {"note": "照片显示完好"})
    request.refresh_from_db()
    assert request.status == "escalated"
    # another seller cannot see or ship it
    other = logged_in(ShopFactory().owner)
    assert (
        other.post(f"/seller/orders/{order.number}/ship/", {"carrier": "x", "tracking_number": "x1234"}).status_code
        == 404
    )
    assert order.number not in other.get("/seller/orders/").content.decode()


def test_confirming_receipt_asks_first_and_releases_escrow_only_on_yes():
    """Issue 18 #13: "have you received it? the money goes to the seller" before escrow is released."""
    from orders.tests.helpers import placed_shipped

    buyer = UserFactory()
    order = placed_shipped(buyer, sku_in_shop(ShopFactory(name="湖南老农家"), price="28.00"), 2)
    client = logged_in(buyer)
    detail = f"/orders/{order.number}/"
    page = client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Have you received the items" in page and "56.00</span> held by the platform goes to 湖南老农家" in page

    # a post without the answer (an old form, a stray click) only opens the question
    asked = client.post(f"{detail}confirm-receipt/")
    assert asked["Location"] == f"{detail}?confirm=1#confirm-{order.number}"
    order.refresh_from_db()
    assert order.status == "shipped"
    assert re.search(r'id="confirm-[0-9]+" open', client.get(asked["Location"]).content.decode())

    client.post(f"{detail}confirm-receipt/", {"confirmed": "1"})
    order.refresh_from_db()
    assert order.status == "completed"


def test_the_order_page_has_contact_the_seller_and_the_refund_form_opens_on_demand():
    from orders.tests.helpers import placed_paid

    buyer = UserFactory()
    order = placed_paid(buyer, sku_in_shop(ShopFactory(), price="28.00"))
    client = logged_in(buyer)
    html = client.get(f"/orders/{order.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # the refund form is there, folded: a paid order does not greet the buyer with it
    assert re.search(r'<details class="card refund-open" id="refund" data-testid="refund">', html)
    assert 'name="reason"' in html
    assert re.search(
        r'<details[^>]*id="refund"[^>]*open', client.get(f"/orders/{order.number}/?refund=1").content.decode()
    )
    # "contact the seller" starts the chat with the order's shop
    contact = re.search(
        r'<form method="post" action="/chat/start/">.*?name="shop" value="([^"]+)".*?contact-seller', html, re.S
    )
    assert contact and contact.group(1) == order.shop.slug
    started = client.post("/chat/start/", {"shop": order.shop.slug})
    assert started.status_code == 302 and started["Location"].startswith("/chats/")
