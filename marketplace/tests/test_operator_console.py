"""The operator console through the test client: operators act, other staff and sellers are refused."""

import pytest
from django.utils import translation

from accounts.models import OperatorAction
from catalog.models import Product
from shops.models import Shop
from tests.factories import ShopFactory, UserFactory, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def plain_staff():
    return UserFactory(is_staff=True)


def test_operator_approves_and_suspends_shops_with_a_reason(client, operator):
    pending = ShopFactory(status=Shop.Status.PENDING)
    client.force_login(operator)
    queue = client.get("/admin/shops/shop/")
    assert queue.status_code == 200
    response = client.post(
        "/admin/shops/shop/", {"action": "approve_shops", "_selected_action": [pending.id], "reason": ""}
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/shops/shop/", {"action": "suspend_shops", "_selected_action": [pending.id], "reason": "卖假货"}
    )
    pending.refresh_from_db()
    assert pending.status == Shop.Status.SUSPENDED and pending.status_reason == "卖假货"
    actions = list(OperatorAction.objects.order_by("id").values_list("action", "reason", "actor"))
    assert actions == [("shop_approve", "", operator.id), ("shop_suspend", "卖假货", operator.id)]


def test_operator_delists_a_product(client, operator):
    product = make_product()
    client.force_login(operator)
    client.post("/admin/catalog/product/", {"action": "delist", "_selected_action": [product.id], "reason": "图片侵权"})
    product.refresh_from_db()
    assert product.status == Product.Status.DELISTED and not product.visible
    assert product.moderation_reason == "图片侵权"
    assert OperatorAction.objects.get().action == "product_delist"


def test_staff_outside_operators_and_sellers_are_refused(client, plain_staff):
    pending = ShopFactory(status=Shop.Status.PENDING)
    client.force_login(plain_staff)
    assert client.get("/admin/shops/shop/").status_code == 403
    client.post("/admin/shops/shop/", {"action": "approve_shops", "_selected_action": [pending.id]})
    seller = ShopFactory().owner
    client.force_login(seller)
    response = client.get("/admin/shops/shop/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.post("/admin/shops/shop/", {"action": "approve_shops", "_selected_action": [pending.id]})
    pending.refresh_from_db()
    assert pending.status == Shop.Status.PENDING
    assert not OperatorAction.objects.exists()


def test_audit_log_is_read_only(client, operator):
    client.force_login(operator)
    assert client.get("/admin/accounts/operatoraction/").status_code == 200
    assert client.get("/admin/accounts/operatoraction/add/").status_code == 403


def test_dashboard_shows_todays_figures(client, operator):
    ShopFactory(status=Shop.Status.PENDING)
    client.force_login(operator)
    page = client.get("/admin/")
    assert page.status_code == 200
    with translation.override("en"):
        figures = {str(f["label"]): f["value"] for f in page.context["dashboard"]}
    assert figures["Shops awaiting approval"] == 1 and figures["Orders today"] == 0
    assert "Open disputes" in figures and "Payouts awaiting approval" in figures


def test_shop_page_shows_products_balance_orders_and_reported_chats(client, operator):
    from chat.models import Conversation

    product = make_product()
    Conversation.objects.create(buyer=UserFactory(), shop=product.shop, reported=True, report_reason="卖家骂人")
    client.force_login(operator)
    page = client.get(f"/admin/shops/shop/{product.shop_id}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert product.title in body
    assert "店铺担保资金 0.00" in body  # the balances named as the money page names them
    assert "卖家骂人" in body
