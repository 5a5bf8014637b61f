"""Operator moderation holds (issue 17, item 8): what the platform takes down stays down until an operator
approves the seller's review request. Driven through the real admin, API and seller pages."""

import pytest
from rest_framework.test import APIClient

from accounts.models import OperatorAction
from catalog.models import Product
from notifications.models import Notification
from orders.models import Review
from shops.models import Shop
from tests.factories import ShopFactory, UserFactory, make_product

pytestmark = pytest.mark.django_db

PRODUCTS = "/admin/catalog/product/"
SHOPS = "/admin/shops/shop/"


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


def seller_api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def delist(op_client, product, reason="图片侵权 (photos copied from another shop)"):
    return op_client.post(PRODUCTS, {"action": "delist", "_selected_action": [product.pk], "reason": reason})


def test_seller_cannot_republish_what_an_operator_delisted(op_client, django_capture_on_commit_callbacks):
    product = make_product()
    with django_capture_on_commit_callbacks(execute=True):
        assert delist(op_client, product).status_code == 302
    product.refresh_from_db()
    assert product.moderation == Product.Moderation.DELISTED and not product.visible

    # the seller sees why, in the API and in a notification
    api = seller_api(product.shop.owner)
    mine = api.get(f"/api/v1/seller/products/{product.pk}/").json()
    assert mine["moderation"] == "delisted" and mine["moderation_reason"].startswith("图片侵权")
    note = Notification.objects.get(user=product.shop.owner, kind="moderation")
    assert "图片侵权" in note.render("zh-hans") and "图片侵权" in note.render("en")

    # publishing (or unpublishing to draft, then publishing) is refused with a translated 409
    for status in ("active", "draft"):
        response = api.patch(
            f"/api/v1/seller/products/{product.pk}/", {"status": status}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 409, response.content
        error = response.json()["error"]
        assert error["code"] == "invalid_state"
        assert "Delisted by the platform: 图片侵权" in error["message"] and "ask for a review" in error["message"]
    zh = api.patch(
        f"/api/v1/seller/products/{product.pk}/", {"status": "active"}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert zh.status_code == 409 and "平台下架" in zh.json()["error"]["message"]

    # the seller-center page's publish button: the same 409, as a page
    page = op_client_as(product.shop.owner).post(f"/seller/products/{product.pk}/status/", {"status": "active"})
    assert page.status_code == 409 and "图片侵权" in page.content.decode()

    product.refresh_from_db()
    assert product.status == Product.Status.DELISTED and not product.visible
    assert api.get(f"/api/v1/products/{product.pk}/").status_code == 404


def op_client_as(user):
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return browser


def test_an_operator_must_give_a_reason_to_delist(op_client):
    product = make_product()
    response = delist(op_client, product, reason="  ")
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE and product.moderation == "" and product.visible
    assert not OperatorAction.objects.exists()


def test_review_request_goes_to_the_operator_queue_where_approval_puts_it_back_on_sale(
    op_client, operator, django_capture_on_commit_callbacks
):
    product = make_product()
    other = make_product(shop=product.shop, title="腊肠 sausages")
    delist(op_client, product)
    delist(op_client, other)
    api = seller_api(product.shop.owner)

    # the seller edits it (still held), then asks for a review
    edited = api.patch(f"/api/v1/seller/products/{product.pk}/", {"title": "湖南腌萝卜 (own photos)"}, format="json")
    assert edited.status_code == 200 and edited.json()["moderation"] == "delisted"
    url = f"/api/v1/seller/products/{product.pk}/review-request/"
    asked = api.post(url, {"note": "换了自己拍的照片"}, format="json")
    assert asked.status_code == 200, asked.content
    assert asked.json()["moderation"] == "review_requested" and asked.json()["review_requested_at"]
    again = api.post(f"/api/v1/seller/products/{product.pk}/review-request/", {}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "invalid_state"
    # still off sale while waiting
    assert api.patch(f"/api/v1/seller/products/{product.pk}/", {"status": "active"}, format="json").status_code == 409

    # the operators' queue shows it (and not the product that nobody asked about), linked from the front page
    figures = {f["url"]: f["value"] for f in op_client.get("/admin/").context["dashboard"]}
    assert figures["catalog/product/?moderation=review_requested"] == 1
    queue = op_client.get(PRODUCTS, {"moderation": "review_requested"})
    assert queue.status_code == 200
    assert list(queue.context["cl"].result_list) == [Product.objects.get(pk=product.pk)]

    with django_capture_on_commit_callbacks(execute=True):
        op_client.post(PRODUCTS, {"action": "approve_review", "_selected_action": [product.pk], "reason": ""})
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE and product.visible and product.moderation == ""
    assert product.moderation_reason == ""
    assert api.get(f"/api/v1/products/{product.pk}/").status_code == 200
    assert Notification.objects.filter(
        user=product.shop.owner, kind="moderation", message="product_review_approved"
    ).exists()
    assert list(OperatorAction.objects.filter(object_id=str(product.pk)).values_list("action", "actor")) == [
        ("product_approve", operator.pk),
        ("product_delist", operator.pk),
    ]


def test_a_rejected_review_keeps_the_product_down_with_the_new_reason(op_client, django_capture_on_commit_callbacks):
    product = make_product()
    delist(op_client, product)
    seller_api(product.shop.owner).post(f"/api/v1/seller/products/{product.pk}/review-request/", {}, format="json")

    # a reason is required
    op_client.post(PRODUCTS, {"action": "reject_review", "_selected_action": [product.pk], "reason": ""})
    product.refresh_from_db()
    assert product.moderation == Product.Moderation.REVIEW_REQUESTED

    with django_capture_on_commit_callbacks(execute=True):
        op_client.post(
            PRODUCTS, {"action": "reject_review", "_selected_action": [product.pk], "reason": "照片仍然是别家的"}
        )
    product.refresh_from_db()
    assert product.moderation == Product.Moderation.DELISTED and product.moderation_reason == "照片仍然是别家的"
    assert product.status == Product.Status.DELISTED and not product.visible
    assert Notification.objects.filter(user=product.shop.owner, params__reason__contains="照片仍然是别家的").exists()
    assert OperatorAction.objects.filter(action="product_review_reject", reason="照片仍然是别家的").exists()


def test_the_seller_center_pages_show_the_hold_and_ask_for_a_review(op_client):
    product = make_product()
    delist(op_client, product)
    seller = op_client_as(product.shop.owner)
    listing = seller.get("/seller/products/").content.decode()
    assert "图片侵权" in listing
    form = seller.get(f"/seller/products/{product.pk}/edit/").content.decode()
    assert "图片侵权" in form and f"/seller/products/{product.pk}/review-request/" in form

    # saving the form (its "publish" box ticked) keeps the hold; the edit itself is saved
    sku = product.skus.get()
    response = seller.post(
        f"/seller/products/{product.pk}/edit/",
        {
            "title": "湖南腌萝卜 new photos",
            "category": product.category_id,
            "province": "湖南",
            "city": "长沙",
            "publish": "on",
            "sku-TOTAL_FORMS": "1",
            "sku-INITIAL_FORMS": "1",
            "sku-MIN_NUM_FORMS": "0",
            "sku-MAX_NUM_FORMS": "50",
            "sku-0-id": sku.pk,
            "sku-0-name": sku.name,
            "sku-0-price": "28.00",
            "sku-0-stock": "10",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.title == "湖南腌萝卜 new photos" and product.status == Product.Status.DELISTED and product.moderation

    response = seller.post(f"/seller/products/{product.pk}/review-request/", {"note": "新照片"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.moderation == Product.Moderation.REVIEW_REQUESTED and product.review_note == "新照片"


def test_a_product_the_seller_delisted_is_not_held(op_client):
    product = make_product()
    api = seller_api(product.shop.owner)
    assert api.patch(f"/api/v1/seller/products/{product.pk}/", {"status": "delisted"}, format="json").status_code == 200
    assert api.patch(f"/api/v1/seller/products/{product.pk}/", {"status": "active"}, format="json").status_code == 200
    response = api.post(f"/api/v1/seller/products/{product.pk}/review-request/", {}, format="json")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"


# --- shops ---------------------------------------------------------------------------------------------


def test_a_suspended_shop_stays_suspended_until_an_operator_approves_its_review(
    op_client, operator, django_capture_on_commit_callbacks
):
    shop = ShopFactory()
    product = make_product(shop=shop)
    # a reason is required to suspend
    op_client.post(SHOPS, {"action": "suspend_shops", "_selected_action": [shop.pk], "reason": ""})
    shop.refresh_from_db()
    assert shop.status == Shop.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        op_client.post(SHOPS, {"action": "suspend_shops", "_selected_action": [shop.pk], "reason": "售卖假冒商品"})
    shop.refresh_from_db()
    assert shop.status == Shop.Status.SUSPENDED
    assert Notification.objects.filter(
        user=shop.owner, kind="shop_status", params__reason__contains="售卖假冒商品"
    ).exists()

    api = seller_api(shop.owner)
    # the owner cannot lift it: editing is refused, a review request is what they can do
    assert api.patch("/api/v1/seller/shop/", {"name": "新名字"}, format="json").status_code == 403
    asked = api.post("/api/v1/seller/shop/review-request/", {"note": "已下架所有问题商品"}, format="json")
    assert asked.status_code == 200, asked.content
    assert asked.json()["status"] == "suspended" and asked.json()["review_requested_at"]
    assert api.post("/api/v1/seller/shop/review-request/", {}, format="json").status_code == 409

    figures = {f["url"]: f["value"] for f in op_client.get("/admin/").context["dashboard"]}
    assert figures["shops/shop/?review=requested"] == 1
    queue = op_client.get(SHOPS, {"review": "requested"})
    assert [s.pk for s in queue.context["cl"].result_list] == [shop.pk]

    # rejected: still suspended, the new reason told; then asked again and approved
    with django_capture_on_commit_callbacks(execute=True):
        op_client.post(SHOPS, {"action": "reject_reviews", "_selected_action": [shop.pk], "reason": "仍有假货"})
    shop.refresh_from_db()
    assert shop.status == Shop.Status.SUSPENDED and shop.status_reason == "仍有假货"
    assert shop.review_requested_at is None
    assert Notification.objects.filter(user=shop.owner, params__reason__contains="仍有假货").exists()
    page = op_client_as(shop.owner).post("/seller/settings/review-request/", {"note": "都处理了"})
    assert page.status_code == 302
    op_client.post(SHOPS, {"action": "approve_shops", "_selected_action": [shop.pk], "reason": ""})
    shop.refresh_from_db()
    product.refresh_from_db()
    assert shop.status == Shop.Status.APPROVED and shop.review_requested_at is None and product.visible
    actions = OperatorAction.objects.filter(object_type="shops.Shop").order_by("id").values_list("action", flat=True)
    assert list(actions) == ["shop_suspend", "shop_review_reject", "shop_approve"]


def test_only_a_suspended_shops_owner_asks_for_a_review():
    shop = ShopFactory()
    assert seller_api(shop.owner).post("/api/v1/seller/shop/review-request/", {}, format="json").status_code == 409


# --- reviews -------------------------------------------------------------------------------------------


def test_a_hidden_review_stays_hidden_and_its_shop_cannot_answer_it(op_client):
    from orders.services.lifecycle import order_confirm_receipt
    from orders.services.reviews import review_create
    from orders.tests.helpers import placed_shipped
    from tests.factories import SkuFactory

    order = placed_shipped(UserFactory(), SkuFactory())
    order_confirm_receipt(order_id=order.pk, actor=order.buyer)
    review = review_create(
        order_id=order.pk,
        buyer=order.buyer,
        line_id=order.lines.get().pk,
        rating=1,
        text="骂人的话",
        as_described=1,
        communication=1,
        shipping=1,
    )
    # hiding needs a reason (the author is told it)
    reviews = "/admin/orders/review/"
    op_client.post(reviews, {"action": "hide_reviews", "_selected_action": [review.pk], "reason": ""})
    review.refresh_from_db()
    assert not review.is_hidden
    op_client.post(reviews, {"action": "hide_reviews", "_selected_action": [review.pk], "reason": "人身攻击"})
    review.refresh_from_db()
    assert review.is_hidden and review.hidden_reason == "人身攻击"
    api = seller_api(order.shop.owner)
    reply = api.post(f"/api/v1/seller/reviews/{review.pk}/reply/", {"text": "谢谢"}, format="json")
    assert reply.status_code == 409
    review.refresh_from_db()
    assert review.is_hidden and Review.objects.visible().filter(pk=review.pk).count() == 0
