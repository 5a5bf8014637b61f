"""The frame in a real browser: Chinese by default, English on request, log-in works."""

import pytest

from conftest import browser_login, screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_and_login_in_chinese_then_english(asgi_server, new_page):
    page = new_page(language="zh-CN")
    page.goto(asgi_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("form[role=search] input[name=q]").is_visible()
    screenshot(page, "home-zh-mobile")

    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "home-en-mobile")


def test_log_in_through_the_form(asgi_server, new_page):
    UserFactory(username="xiaomei")
    page = new_page(language="en", mobile=False)
    browser_login(page, asgi_server.url, "xiaomei", PASSWORD)
    assert page.locator("[data-testid=nav-account]").inner_text().strip().startswith("xiaomei")
    screenshot(page, "home-logged-in-desktop")
