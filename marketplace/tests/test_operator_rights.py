"""What operators may do, and that each of their actions is audited (issue 17, item 9). Driven through the
real admin URLs as an operator in the Operators group."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import OperatorAction, User
from common.errors import PermissionDeniedError
from marketplace.operators import OPERATORS_GROUP
from orders.models import RefundRequest
from orders.services.refunds import (
    refund_request_create,
    refund_request_deny,
    refund_request_grant,
    refund_request_reject,
)
from orders.tests.helpers import placed_shipped
from tests.factories import SkuFactory, UserFactory, leaf_category

pytestmark = pytest.mark.django_db

REFUNDS = "/admin/orders/refundrequest/"


@pytest.fixture
def op_client(client, operator):
    client.force_login(operator)
    return client


# --- the group and the user admin ---------------------------------------------------------------------


def test_migrate_gives_the_operators_group_its_rights_but_none_over_people_or_permissions():
    group = Group.objects.get(name=OPERATORS_GROUP)  # made by migrate (post_migrate), not by the demo
    perms = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert {"orders.decide_refundrequest", "catalog.change_product", "shops.change_shop"} <= perms
    assert {"accounts.view_user", "accounts.change_user", "accounts.view_operatoraction"} <= perms
    dangerous = {
        "accounts.add_user",
        "accounts.delete_user",
        "accounts.change_operatoraction",
        "accounts.delete_operatoraction",
        "auth.change_group",
        "auth.add_group",
        "auth.change_permission",
        "django_celery_beat.add_periodictask",
        "django_celery_beat.change_periodictask",
        "notifications.add_notification",
    }
    assert not perms & dangerous
    assert {"django_celery_beat.view_periodictask", "notifications.view_notification"} <= perms
    # the queues of issue 23 and the shows: held chat photos, contact-detail strikes and mutes, offers, shows
    queues = {"chat.change_heldphoto", "safety.view_contactstrike", "safety.change_chatmute", "offers.view_offer"}
    assert queues | {"live.change_show"} <= perms


def _stock_user_form(user: User, **changes) -> dict:
    """What Django's stock user change form posts, with the changes an attacker would add."""
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-12-01",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-12-01",
        "initial-date_joined_1": "10:00:00",
    }
    data.update(changes)
    return data


def test_an_operator_cannot_make_themselves_superuser_through_the_admin(op_client, operator):
    every_permission = list(Permission.objects.values_list("pk", flat=True)[:50])
    response = op_client.post(
        f"/admin/accounts/user/{operator.pk}/change/",
        _stock_user_form(
            operator,
            is_staff="on",
            is_superuser="on",
            groups=[Group.objects.get(name=OPERATORS_GROUP).pk],
            user_permissions=every_permission,
        ),
    )
    assert response.status_code == 403
    operator.refresh_from_db()
    assert not operator.is_superuser and not operator.user_permissions.exists()
    assert op_client.get(f"/admin/accounts/user/{operator.pk}/password/").status_code == 403


def test_an_operator_cannot_raise_another_persons_rights(op_client, operator):
    buyer = UserFactory()
    page = op_client.get(f"/admin/accounts/user/{buyer.pk}/change/")
    assert page.status_code == 200
    for field in ("is_superuser", "is_staff", "groups", "user_permissions", "password"):
        assert f'name="{field}"' not in page.content.decode(), field

    response = op_client.post(
        f"/admin/accounts/user/{buyer.pk}/change/",
        _stock_user_form(
            buyer,
            email="new@example.com",
            is_staff="on",
            is_superuser="on",
            groups=[Group.objects.get(name=OPERATORS_GROUP).pk],
        ),
    )
    assert response.status_code == 302
    buyer.refresh_from_db()
    assert buyer.email == "new@example.com"
    assert not buyer.is_staff and not buyer.is_superuser and not buyer.groups.exists()
    entry = OperatorAction.objects.get(action="user_edit")
    assert entry.actor == operator and entry.object_id == str(buyer.pk) and entry.data == {"fields": ["email"]}

    # another member of staff is not theirs to change (nor to deactivate)
    other_operator = UserFactory(is_staff=True)
    assert op_client.post(
        f"/admin/accounts/user/{other_operator.pk}/change/", _stock_user_form(other_operator, is_active="")
    ).status_code in {403}
    op_client.post(
        "/admin/accounts/user/", {"action": "deactivate_users", "_selected_action": [other_operator.pk, buyer.pk]}
    )
    other_operator.refresh_from_db(), buyer.refresh_from_db()
    assert other_operator.is_active and not buyer.is_active
    assert op_client.get("/admin/accounts/user/add/").status_code == 403
    assert op_client.get("/admin/auth/group/").status_code == 403


def test_a_superuser_still_manages_rights(client):
    boss = UserFactory(is_staff=True, is_superuser=True)
    person = UserFactory()
    client.force_login(boss)
    response = client.post(
        f"/admin/accounts/user/{person.pk}/change/",
        _stock_user_form(person, is_staff="on", groups=[Group.objects.get(name=OPERATORS_GROUP).pk]),
    )
    assert response.status_code == 302, response.content[:500]
    person.refresh_from_db()
    assert person.is_staff and person.groups.filter(name=OPERATORS_GROUP).exists()


# --- refund decisions -----------------------------------------------------------------------------------


def _requests():
    """An escalated request (the seller refused) and one still waiting for the seller's answer."""
    escalated_order = placed_shipped(UserFactory(), SkuFactory())
    escalated = refund_request_create(order_id=escalated_order.pk, buyer=escalated_order.buyer, reason="坏了")
    refund_request_reject(refund_request_id=escalated.pk, actor=escalated_order.shop.owner, note="没坏")
    waiting_order = placed_shipped(UserFactory(), SkuFactory())
    waiting = refund_request_create(order_id=waiting_order.pk, buyer=waiting_order.buyer, reason="不想要了")
    return escalated, waiting


def test_grant_escalated_grants_only_escalated_requests_and_audits_them(
    op_client, operator, django_capture_on_commit_callbacks
):
    escalated, waiting = _requests()
    with django_capture_on_commit_callbacks(execute=True):
        response = op_client.post(
            REFUNDS,
            {"action": "grant_refund", "_selected_action": [escalated.pk, waiting.pk], "reason": "照片证明有破损"},
            follow=True,
        )
    assert response.status_code == 200
    escalated.refresh_from_db(), waiting.refresh_from_db()
    assert escalated.status in {RefundRequest.Status.ACCEPTED, RefundRequest.Status.REFUNDED}
    assert escalated.operator_note == "照片证明有破损"
    assert waiting.status == RefundRequest.Status.REQUESTED  # the seller has not answered: not the platform's
    assert "escalated" in response.content.decode() or "升级" in response.content.decode()
    entries = list(OperatorAction.objects.values_list("action", "object_id", "actor", "reason"))
    assert entries == [("refund_grant", str(escalated.pk), operator.pk, "照片证明有破损")]


def test_deny_needs_a_reason_and_is_audited(op_client, operator):
    escalated, _waiting = _requests()
    op_client.post(REFUNDS, {"action": "deny_refund", "_selected_action": [escalated.pk], "reason": ""})
    escalated.refresh_from_db()
    assert escalated.status == RefundRequest.Status.ESCALATED
    op_client.post(REFUNDS, {"action": "deny_refund", "_selected_action": [escalated.pk], "reason": "物流显示已签收"})
    escalated.refresh_from_db()
    assert escalated.status == RefundRequest.Status.REJECTED
    assert OperatorAction.objects.get().action == "refund_deny"


def test_refund_decisions_need_the_decide_permission(client):
    escalated, _waiting = _requests()
    # staff who may see and change orders, but were not given the decision
    support = UserFactory(is_staff=True)
    group = Group.objects.create(name="Support")
    group.permissions.set(
        Permission.objects.filter(content_type__app_label="orders").exclude(codename="decide_refundrequest")
    )
    support.groups.add(group)
    client.force_login(support)
    assert client.get(REFUNDS).status_code == 200
    client.post(REFUNDS, {"action": "grant_refund", "_selected_action": [escalated.pk], "reason": "x"})
    client.post(REFUNDS, {"action": "deny_refund", "_selected_action": [escalated.pk], "reason": "x"})
    escalated.refresh_from_db()
    assert escalated.status == RefundRequest.Status.ESCALATED and not OperatorAction.objects.exists()
    # and the services refuse on their own, whoever calls them
    with pytest.raises(PermissionDeniedError):
        refund_request_grant(refund_request_id=escalated.pk, operator=support, note="x")
    with pytest.raises(PermissionDeniedError):
        refund_request_deny(refund_request_id=escalated.pk, actor=support, note="x")


# --- the other operator actions write their own audit entry ----------------------------------------------


def test_payout_approval_is_audited_by_its_service(operator):
    from payments.services.payouts import payout_batch_approve, payout_batch_run
    from payments.tests.money import confirmed_sale
    from tests.factories import ShopFactory

    confirmed_sale(ShopFactory(), "100.00", "5.00")
    batch, _created = payout_batch_run()
    payout_batch_approve(batch_id=batch.pk, actor=operator, reason="checked")
    entry = OperatorAction.objects.get()
    assert (entry.action, entry.object_id, entry.actor, entry.reason) == (
        "payout_batch_approve",
        str(batch.pk),
        operator,
        "checked",
    )


def test_resolving_a_chat_report_is_audited(op_client, operator):
    from chat.models import Conversation
    from tests.factories import ShopFactory

    conversation = Conversation.objects.create(
        buyer=UserFactory(), shop=ShopFactory(), reported=True, report_reason="骂人"
    )
    op_client.post(
        "/admin/chat/conversation/",
        {"action": "resolve_reports", "_selected_action": [conversation.pk], "reason": "警告过了"},
    )
    conversation.refresh_from_db()
    assert not conversation.reported
    entry = OperatorAction.objects.get()
    assert (entry.action, entry.reason, entry.actor) == ("chat_report_resolve", "警告过了", operator)


def test_shop_and_category_edits_in_the_console_are_audited(op_client, operator):
    from tests.factories import ShopFactory

    shop = ShopFactory()
    page = op_client.get(f"/admin/shops/shop/{shop.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update({"commission_rate": "0.0300", "name": shop.name, "province": shop.province, "city": shop.city})
    for prefix in ("members", "products", "conversation_set"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        data[management.add_prefix("TOTAL_FORMS")] = management.initial["INITIAL_FORMS"]
        for inline_form in formset.formset.forms:
            data[inline_form.add_prefix("id")] = inline_form.instance.pk
    data = {k: v for k, v in data.items() if v is not None}
    response = op_client.post(f"/admin/shops/shop/{shop.pk}/change/", data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    shop.refresh_from_db()
    assert str(shop.commission_rate) == "0.0300"
    category = leaf_category()
    op_client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {
            "name": category.name,
            "name_en": category.name_en,
            "slug": category.slug,
            "parent": category.parent_id,
            "icon": category.icon,
            "sort_order": category.sort_order,
            "commission_rate": "0.0800",
        },
    )
    category.refresh_from_db()
    assert str(category.commission_rate) == "0.0800"
    assert list(OperatorAction.objects.order_by("id").values_list("action", "data")) == [
        ("shop_edit", {"fields": ["commission_rate"]}),
        ("category_edit", {"fields": ["commission_rate"]}),
    ]


def test_operators_cannot_delete_idempotency_keys_or_edit_carts(op_client):
    from orders.models import Cart, CartItem, IdempotencyKey

    buyer = UserFactory()
    key = IdempotencyKey.objects.create(user=buyer, key="k-1", request_hash="h", status_code=201, response_json={})
    assert op_client.get(f"/admin/orders/idempotencykey/{key.pk}/delete/").status_code == 403
    op_client.post("/admin/orders/idempotencykey/", {"action": "delete_selected", "_selected_action": [key.pk]})
    assert IdempotencyKey.objects.filter(pk=key.pk).exists()

    cart = Cart.objects.create(user=buyer)
    item = CartItem.objects.create(cart=cart, sku=SkuFactory(), quantity=2)
    assert op_client.get(f"/admin/orders/cart/{cart.pk}/change/").status_code == 200
    op_client.post(
        f"/admin/orders/cart/{cart.pk}/change/",
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "1",
            "items-0-id": item.pk,
            "items-0-cart": cart.pk,
            "items-0-quantity": "999",
            "items-0-DELETE": "on",
        },
    )
    item.refresh_from_db()
    assert item.quantity == 2


def test_approve_shop_command_names_its_operator_in_the_audit_log(operator):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from shops.models import Shop
    from tests.factories import ShopFactory

    shop = ShopFactory(status=Shop.Status.PENDING)
    with pytest.raises(CommandError):
        call_command("approve_shop", shop.slug, operator=UserFactory().username)  # not staff
    call_command("approve_shop", shop.slug, operator=operator.username, reason="资料齐全")
    shop.refresh_from_db()
    assert shop.status == Shop.Status.APPROVED
    entry = OperatorAction.objects.get()
    assert (entry.action, entry.actor, entry.reason) == ("shop_approve", operator, "资料齐全")


def test_operators_cannot_rewrite_follows_or_delete_categories(op_client):
    from catalog.models import Category
    from shops.models import ShopFollow
    from tests.factories import ShopFactory

    follow = ShopFollow.objects.create(shop=ShopFactory(), user=UserFactory())
    assert op_client.get("/admin/shops/shopfollow/add/").status_code == 403
    assert op_client.get(f"/admin/shops/shopfollow/{follow.pk}/delete/").status_code == 403
    leaf_category()  # transactional tests in this process may have flushed the migration's tree
    category = Category.objects.filter(children__isnull=True, products__isnull=True).first()
    assert op_client.get(f"/admin/catalog/category/{category.pk}/delete/").status_code == 403
    assert ShopFollow.objects.filter(pk=follow.pk).exists() and Category.objects.filter(pk=category.pk).exists()
