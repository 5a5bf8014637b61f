"""The staff journey in headless Chromium on a phone: the owner invites by username, the invitee finds the
invitation from "open a shop", accepts, works in the seller center without the owner's menu items, leaves."""

import pytest

from conftest import browser_login, screenshot
from shops.models import ShopMember
from tests.factories import PASSWORD, ShopFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_invite_accept_work_and_leave_on_a_phone(asgi_server, new_page, language):
    shop = ShopFactory(name="湖南老农家")
    person = UserFactory(username="xiaoli")
    suffix = "zh" if language == "zh-CN" else "en"

    owner = new_page(language=language)
    browser_login(owner, asgi_server.url, shop.owner.username, PASSWORD)
    owner.goto(f"{asgi_server.url}/seller/staff/")
    owner.fill("input[name=user]", "xiaoli")
    with owner.expect_navigation():
        owner.click("[data-testid=staff-invite]")
    assert owner.locator("[data-testid=staff-invitation][data-username=xiaoli]").count() == 1
    screenshot(owner, f"staff-owner-{suffix}")

    invitee = new_page(language=language)
    browser_login(invitee, asgi_server.url, "xiaoli", PASSWORD)
    invitee.goto(f"{asgi_server.url}/shop/open/")
    with invitee.expect_navigation():
        invitee.click("a[href='/staff-invitations/']")
    assert "湖南老农家" in invitee.locator("[data-testid=invitation]").inner_text()
    screenshot(invitee, f"staff-invitation-{suffix}")
    with invitee.expect_navigation():
        invitee.click("[data-testid=invitation-accept]")
    assert invitee.url.endswith("/seller/")
    menu = invitee.locator("[data-testid=seller-menu]")
    assert menu.locator("a[href='/seller/products/']").count() == 1
    assert menu.locator("a[href='/seller/money/']").count() == 0
    screenshot(invitee, f"staff-seller-center-{suffix}")

    with invitee.expect_navigation():
        invitee.click("[data-testid=staff-leave] button")
    assert not ShopMember.objects.filter(user=person).exists()
