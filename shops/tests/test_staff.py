"""Staff (Taobao's 子账号): nobody becomes staff without accepting an invitation; the owner removes,
a member leaves and is then a plain user again; roles decide what staff may do (shops.access)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from shops.models import Shop, ShopMember, StaffInvitation
from shops.services import staff_invitation_accept, staff_invite
from tests.factories import ShopFactory, UserFactory, make_product

pytestmark = pytest.mark.django_db

OPEN = {"name": "前店员的小店", "province": "湖南", "city": "长沙"}


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _staff(shop, person) -> ShopMember:
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    return staff_invitation_accept(invitation_id=invitation.pk, user=person)


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def person():
    return UserFactory(username="xiaoli", email="xiaoli@example.com")


# --- the old bug: an owner made anyone staff, and nobody could be removed ----------------------------


def test_the_owner_cannot_make_a_stranger_staff_without_their_consent(shop, person):
    """Was: the settings page's "add staff" form made anyone staff at once, and they could then no
    longer open a shop, buy from this one or chat with it as a buyer."""
    page = Client()
    page.force_login(shop.owner)
    # the old form on the settings page no longer adds anyone
    page.post("/seller/settings/", {"staff-username": person.username})
    assert not ShopMember.objects.filter(user=person).exists()
    # the staff page and the API only invite
    assert page.post("/seller/staff/", {"user": person.username}).status_code == 302
    assert not ShopMember.objects.filter(user=person).exists()
    StaffInvitation.objects.all().delete()
    response = _client(shop.owner).post("/api/v1/seller/staff/", {"user": person.username}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending" and response.json()["user"]["username"] == "xiaoli"
    assert not ShopMember.objects.filter(user=person).exists()
    stranger = _client(person)
    assert stranger.get("/api/v1/seller/products/").status_code == 404
    assert stranger.get("/api/v1/me/").json()["shop"] is None
    assert stranger.post("/api/v1/shops/", OPEN, format="json").status_code == 201


# --- invite, accept, decline, expire, revoke -----------------------------------------------------------


def test_the_invitee_sees_the_invitation_accepts_and_works_for_the_shop(shop, person):
    make_product(shop=shop, title="腌萝卜")
    invited = _client(shop.owner).post("/api/v1/seller/staff/", {"user": "XiaoLi@Example.com"}, format="json")
    assert invited.status_code == 201
    invitation_id = invited.json()["id"]
    me = _client(person)

    mine = me.get("/api/v1/me/invitations/").json()
    assert [i["id"] for i in mine["results"]] == [invitation_id]
    assert mine["results"][0]["shop"] == {"slug": shop.slug, "name": shop.name}
    assert mine["results"][0]["invited_by"]["username"] == shop.owner.username

    accepted = me.post(f"/api/v1/me/invitations/{invitation_id}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert me.get("/api/v1/me/").json()["shop"]["slug"] == shop.slug
    assert me.get("/api/v1/seller/products/").json()["count"] == 1
    assert me.get("/api/v1/me/invitations/").json()["count"] == 0
    members = _client(shop.owner).get("/api/v1/seller/staff/").json()["results"]
    assert [(m["user"]["username"], m["role"]) for m in members] == [
        (shop.owner.username, "owner"),
        ("xiaoli", "staff"),
    ]


def test_a_declined_invitation_gives_nothing_and_cannot_be_repeated_at_once(shop, person):
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    response = _client(person).post(f"/api/v1/me/invitations/{invitation.pk}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert not ShopMember.objects.filter(user=person).exists()
    assert _client(person).post(f"/api/v1/me/invitations/{invitation.pk}/accept/").status_code == 409
    again = _client(shop.owner).post("/api/v1/seller/staff/", {"user": person.username}, format="json")
    assert again.status_code == 409
    assert StaffInvitation.objects.filter(user=person).count() == 1


def test_an_expired_invitation_cannot_be_accepted(shop, person):
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    StaffInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _client(person).get("/api/v1/me/invitations/").json()["count"] == 0
    response = _client(person).post(f"/api/v1/me/invitations/{invitation.pk}/accept/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    assert not ShopMember.objects.filter(user=person).exists()
    # and the owner may invite again (the stale invitation does not block the new one)
    assert _client(shop.owner).post("/api/v1/seller/staff/", {"user": "xiaoli"}, format="json").status_code == 201
    invitation.refresh_from_db()
    assert invitation.status == StaffInvitation.Status.EXPIRED


def test_the_owner_withdraws_an_invitation(shop, person):
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    owner = _client(shop.owner)
    assert owner.get("/api/v1/seller/staff/invitations/").json()["count"] == 1
    assert owner.delete(f"/api/v1/seller/staff/invitations/{invitation.pk}/").status_code == 204
    assert owner.get("/api/v1/seller/staff/invitations/").json()["count"] == 0
    assert owner.delete(f"/api/v1/seller/staff/invitations/{invitation.pk}/").status_code == 409
    assert _client(person).post(f"/api/v1/me/invitations/{invitation.pk}/accept/").status_code == 409
    assert not ShopMember.objects.filter(user=person).exists()


def test_someone_else_cannot_answer_an_invitation(shop, person):
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    other = _client(UserFactory())
    assert other.post(f"/api/v1/me/invitations/{invitation.pk}/accept/").status_code == 404
    assert not ShopMember.objects.filter(shop=shop, role=ShopMember.Role.STAFF).exists()


def test_accepting_while_working_for_a_shop_is_409(shop, person):
    ShopFactory(owner=person)
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    response = _client(person).post(f"/api/v1/me/invitations/{invitation.pk}/accept/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_in_a_shop"
    assert ShopMember.objects.get(user=person).role == ShopMember.Role.OWNER
    invitation.refresh_from_db()
    assert invitation.status == StaffInvitation.Status.PENDING


@pytest.mark.parametrize(
    ("who", "field_error"),
    [
        pytest.param("nobody-here", True, id="unknown"),
        pytest.param("", True, id="empty"),
    ],
)
def test_inviting_someone_who_cannot_be_invited_is_400(shop, who, field_error):
    response = _client(shop.owner).post("/api/v1/seller/staff/", {"user": who}, format="json")
    assert response.status_code == 400
    assert "user" in response.json()["error"]["fields"]
    assert not StaffInvitation.objects.exists()


def test_inviting_yourself_or_a_member_is_400(shop, person):
    _staff(shop, person)
    for who in (shop.owner.username, person.username):
        response = _client(shop.owner).post("/api/v1/seller/staff/", {"user": who}, format="json")
        assert response.status_code == 400 and "user" in response.json()["error"]["fields"]


# --- roles ----------------------------------------------------------------------------------------------


def test_staff_run_products_orders_and_chat_but_not_money_settings_or_staff(shop, person):
    _staff(shop, person)
    staff = _client(person)
    assert staff.get("/api/v1/seller/products/").status_code == 200
    assert staff.get("/api/v1/seller/orders/").status_code == 200
    assert staff.get("/api/v1/conversations/?as=seller").status_code == 200
    assert staff.get("/api/v1/seller/shop/").status_code == 200
    for method, path, body in [
        ("get", "/api/v1/seller/balance/", None),
        ("get", "/api/v1/seller/payouts/", None),
        ("get", "/api/v1/seller/statement/", None),
        ("patch", "/api/v1/seller/shop/", {"name": "店员改的名"}),
        ("get", "/api/v1/seller/staff/", None),
        ("post", "/api/v1/seller/staff/", {"user": shop.owner.username}),
        ("get", "/api/v1/seller/staff/invitations/", None),
    ]:
        response = getattr(staff, method)(path, body, format="json")
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["error"]["code"] == "permission_denied"
    shop.refresh_from_db()
    assert shop.name != "店员改的名"


def test_staff_cannot_remove_the_owner_or_each_other(shop, person):
    colleague = UserFactory()
    member = _staff(shop, colleague)
    _staff(shop, person)
    staff = _client(person)
    assert staff.delete(f"/api/v1/seller/staff/{member.pk}/").status_code == 403
    owner_member = ShopMember.objects.get(user=shop.owner)
    assert staff.delete(f"/api/v1/seller/staff/{owner_member.pk}/").status_code == 403
    assert ShopMember.objects.filter(shop=shop).count() == 3


# --- removal and leaving: a plain user again -----------------------------------------------------------


def _is_a_plain_user_again(person, shop) -> None:
    client = _client(person)
    assert client.get("/api/v1/seller/products/").status_code == 404
    assert client.get("/api/v1/seller/orders/").status_code == 404
    assert client.get("/api/v1/me/").json()["shop"] is None
    # buys from the shop and chats with it as a buyer
    sku = make_product(shop=shop, skus=(("500 g", "28.00", 5),)).skus.get()
    assert client.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}, format="json").status_code == 201
    assert client.post("/api/v1/conversations/", {"shop": shop.slug}, format="json").status_code in {200, 201}
    # and opens a shop of their own
    assert client.post("/api/v1/shops/", OPEN, format="json").status_code == 201
    assert Shop.objects.get(owner=person).status == Shop.Status.PENDING


def test_the_owner_removes_a_member_who_is_then_a_plain_user(shop, person):
    member = _staff(shop, person)
    assert _client(shop.owner).delete(f"/api/v1/seller/staff/{member.pk}/").status_code == 204
    assert not ShopMember.objects.filter(user=person).exists()
    _is_a_plain_user_again(person, shop)


def test_a_member_leaves_and_is_then_a_plain_user(shop, person):
    _staff(shop, person)
    response = _client(person).post("/api/v1/seller/staff/leave/")
    assert response.status_code == 200
    assert response.json() == {"shop": {"slug": shop.slug, "name": shop.name}, "status": "left"}
    _is_a_plain_user_again(person, shop)


def test_the_owner_can_neither_leave_nor_be_removed(shop):
    owner = _client(shop.owner)
    assert owner.post("/api/v1/seller/staff/leave/").status_code == 409
    own = ShopMember.objects.get(user=shop.owner)
    assert owner.delete(f"/api/v1/seller/staff/{own.pk}/").status_code == 409
    assert ShopMember.objects.filter(user=shop.owner, role=ShopMember.Role.OWNER).exists()


def test_an_owner_cannot_remove_another_shops_member(shop, person):
    member = _staff(ShopFactory(), person)
    assert _client(shop.owner).delete(f"/api/v1/seller/staff/{member.pk}/").status_code == 404
    assert ShopMember.objects.filter(pk=member.pk).exists()


def test_access_functions_take_the_role_an_action_needs(shop, person):
    from catalog.access import access_seller_product, access_seller_sku
    from common.errors import NotFound
    from shops.access import OWNER, access_seller_shop
    from shops.errors import ShopRoleRequired

    product = make_product(shop=shop)
    sku = product.skus.first()
    _staff(shop, person)
    stranger = UserFactory()
    assert access_seller_product(user=person, product_id=product.pk) == product  # staff run products
    assert access_seller_product(user=shop.owner, product_id=product.pk, role=OWNER) == product
    assert access_seller_sku(user=shop.owner, sku_id=sku.pk, role=OWNER) == sku
    with pytest.raises(ShopRoleRequired):
        access_seller_product(user=person, product_id=product.pk, role=OWNER)
    with pytest.raises(ShopRoleRequired):
        access_seller_shop(user=person, role=OWNER)
    with pytest.raises(NotFound):
        access_seller_product(user=stranger, product_id=product.pk, role=OWNER)
    with pytest.raises(NotFound):
        access_seller_product(user=stranger, product_id=product.pk)


def test_the_invitee_is_notified_and_so_is_a_removed_member(shop, person, django_capture_on_commit_callbacks):
    from notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        response = _client(shop.owner).post("/api/v1/seller/staff/", {"user": person.username}, format="json")
    invited = Notification.objects.get(user=person)
    assert invited.kind == "shop_staff" and invited.url == "/staff-invitations/"
    assert shop.name in invited.render("zh-hans") and shop.name in invited.render("en")

    with django_capture_on_commit_callbacks(execute=True):
        _client(person).post(f"/api/v1/me/invitations/{response.json()['id']}/accept/")
        member = ShopMember.objects.get(user=person)
        _client(shop.owner).delete(f"/api/v1/seller/staff/{member.pk}/")
    removed = Notification.objects.filter(user=person).exclude(pk=invited.pk).get()
    assert removed.kind == "shop_staff" and shop.name in removed.render("zh-hans")


def test_withdrawing_and_inviting_again_cannot_flood_a_person(shop, person):
    owner = _client(shop.owner)
    for _ in range(3):
        invitation = owner.post("/api/v1/seller/staff/", {"user": person.username}, format="json").json()
        assert owner.delete(f"/api/v1/seller/staff/invitations/{invitation['id']}/").status_code == 204
    response = owner.post("/api/v1/seller/staff/", {"user": person.username}, format="json")
    assert response.status_code == 409
    assert StaffInvitation.objects.filter(user=person).count() == 3
