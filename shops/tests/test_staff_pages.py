"""The staff pages (子账号): the owner's staff page, the invitee's invitations page, leaving, and what a
member of staff sees in the seller center."""

from __future__ import annotations

import pytest
from django.test import Client

from shops.models import Shop, ShopMember, StaffInvitation
from shops.services import staff_invitation_accept, staff_invite
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db


def _page(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def shop():
    return ShopFactory(name="湖南老农家")


@pytest.fixture
def person():
    return UserFactory(username="xiaoli")


def _staff(shop, person) -> ShopMember:
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    return staff_invitation_accept(invitation_id=invitation.pk, user=person)


def test_the_owner_invites_and_the_invitee_accepts_on_their_page(shop, person):
    owner = _page(shop.owner)
    assert owner.get("/seller/staff/").status_code == 200
    response = owner.post("/seller/staff/", {"user": "xiaoli"})
    assert response.status_code == 302 and response["Location"] == "/seller/staff/"
    assert 'data-testid="staff-invitation" data-username="xiaoli"' in owner.get("/seller/staff/").content.decode()

    invitee = _page(person)
    assert invitee.get("/seller/").status_code == 302  # not staff yet: sent to "open a shop"
    listing = invitee.get("/staff-invitations/").content.decode()
    assert "湖南老农家" in listing
    assert "/staff-invitations/" in invitee.get("/shop/open/").content.decode()  # pointed to from "open a shop"
    invitation = StaffInvitation.objects.get(user=person)
    answer = invitee.post(f"/staff-invitations/{invitation.pk}/accept/")
    assert answer.status_code == 302 and answer["Location"] == "/seller/"
    assert ShopMember.objects.get(user=person).role == ShopMember.Role.STAFF
    assert invitee.get("/seller/").status_code == 200


def test_the_invitee_declines_on_their_page(shop, person):
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    response = _page(person).post(f"/staff-invitations/{invitation.pk}/decline/")
    assert response.status_code == 302
    assert not ShopMember.objects.filter(user=person).exists()
    invitation.refresh_from_db()
    assert invitation.status == StaffInvitation.Status.DECLINED
    assert _page(person).post(f"/staff-invitations/{invitation.pk}/nonsense/").status_code == 404


def test_staff_see_products_orders_and_chat_but_not_money_settings_or_staff(shop, person):
    _staff(shop, person)
    staff = _page(person)
    for path in ("/seller/", "/seller/products/", "/seller/orders/", "/seller/inbox/", "/seller/reviews/"):
        assert staff.get(path).status_code == 200, path
    for path in ("/seller/money/", "/seller/settings/", "/seller/staff/"):
        assert staff.get(path).status_code == 403, path
    assert staff.post("/seller/settings/", {"shop-name": "店员改的名"}).status_code == 403
    assert Shop.objects.get(pk=shop.pk).name == "湖南老农家"
    menu = staff.get("/seller/").content.decode()
    assert 'href="/seller/money/"' not in menu and 'data-testid="seller-menu-staff"' not in menu
    assert 'data-testid="staff-leave"' in menu
    owners_menu = _page(shop.owner).get("/seller/").content.decode()
    assert 'href="/seller/money/"' in owners_menu and 'data-testid="seller-menu-staff"' in owners_menu


def test_the_owner_removes_a_member_who_then_opens_a_shop(shop, person):
    member = _staff(shop, person)
    assert _page(shop.owner).post(f"/seller/staff/{member.pk}/remove/").status_code == 302
    ex_staff = _page(person)
    response = ex_staff.get("/seller/")
    assert response.status_code == 302 and response["Location"] == "/shop/open/"
    opened = ex_staff.post("/shop/open/", {"name": "小李的店", "province": "湖南", "city": "长沙"})
    assert opened.status_code == 302
    assert Shop.objects.get(owner=person).name == "小李的店"


def test_a_member_leaves_from_the_seller_center_and_the_owner_cannot(shop, person):
    _staff(shop, person)
    response = _page(person).post("/seller/staff/leave/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert not ShopMember.objects.filter(user=person).exists()
    assert _page(shop.owner).post("/seller/staff/leave/").status_code == 302
    assert ShopMember.objects.filter(user=shop.owner, role=ShopMember.Role.OWNER).exists()


def test_the_owner_withdraws_an_invitation_on_the_staff_page(shop, person):
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    assert _page(shop.owner).post(f"/seller/staff/invitations/{invitation.pk}/withdraw/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == StaffInvitation.Status.REVOKED
    assert _page(person).post(f"/staff-invitations/{invitation.pk}/accept/").status_code == 302
    assert not ShopMember.objects.filter(user=person).exists()


def test_an_owner_cannot_remove_another_shops_member_on_the_page(shop, person):
    member = _staff(ShopFactory(), person)
    assert _page(shop.owner).post(f"/seller/staff/{member.pk}/remove/").status_code == 404
    assert ShopMember.objects.filter(pk=member.pk).exists()


def test_the_staff_pages_speak_chinese_and_english(shop, person):
    staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    assert "发送邀请" in _page(shop.owner, "zh-CN").get("/seller/staff/").content.decode()
    assert "Send invitation" in _page(shop.owner, "en").get("/seller/staff/").content.decode()
    invitations = _page(person, "zh-CN").get("/staff-invitations/").content.decode()
    assert "接受" in invitations and "拒绝" in invitations
    refused = _page(person, "zh-CN").post(f"/staff-invitations/{StaffInvitation.objects.get().pk + 1}/accept/")
    assert refused.status_code == 404
