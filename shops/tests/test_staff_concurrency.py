"""A person works for one shop at a time, also when they accept two invitations (or accept one and open
a shop) at the same moment. Real threads on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from common.errors import DomainError
from shops.models import ShopMember, StaffInvitation
from shops.services import shop_create, staff_invitation_accept, staff_invite
from tests.factories import ShopFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*actions) -> list[str]:
    barrier, outcomes = threading.Barrier(len(actions)), []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_accepting_two_invitations_at_once_joins_one_shop():
    person = UserFactory()
    invitations = [
        staff_invite(shop=shop, invited_by=shop.owner, who=person.username) for shop in (ShopFactory(), ShopFactory())
    ]
    outcomes = _race(
        *(lambda i=invitation: staff_invitation_accept(invitation_id=i.pk, user=person) for invitation in invitations)
    )
    assert outcomes == ["already_in_a_shop", "ok"]
    assert ShopMember.objects.filter(user=person).count() == 1
    assert StaffInvitation.objects.filter(status=StaffInvitation.Status.ACCEPTED).count() == 1


def test_accepting_while_opening_a_shop_keeps_one_membership():
    person = UserFactory()
    shop = ShopFactory()
    invitation = staff_invite(shop=shop, invited_by=shop.owner, who=person.username)
    outcomes = _race(
        lambda: staff_invitation_accept(invitation_id=invitation.pk, user=person),
        lambda: shop_create(owner=person, name="小李的店", province="湖南", city="长沙"),
    )
    assert outcomes in (["already_in_a_shop", "ok"], ["ok", "shop_exists"])
    assert ShopMember.objects.filter(user=person).count() == 1
