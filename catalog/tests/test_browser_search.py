"""The search box's suggestions and the results page's filters in headless Chromium (phone and desktop)."""

import json
import urllib.request

import pytest

from catalog.suggest import search_terms_rebuild
from catalog.tests.test_browser_pages import demo_world  # noqa: F401 - the demo shops, a fixture
from conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suggestions_keyboard_then_the_filter_sheet(asgi_server, new_page, demo_world):  # noqa: F811
    # The server has read its terms before this rebuild (as an earlier test's page may have): the rebuild
    # reaches it at once, not when its copy expires.
    with urllib.request.urlopen(asgi_server.url + "/api/v1/search/suggest/?q=lb", timeout=10) as answer:
        assert "萝卜" not in [s["text"] for s in json.load(answer)["suggestions"]]
    search_terms_rebuild()
    page = new_page(language="zh-CN")
    page.goto(asgi_server.url + "/")
    box = page.locator("input[data-suggest]")
    box.click()
    box.type("lb", delay=40)
    listbox = page.locator("#suggest-list")
    listbox.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    first = listbox.locator("[role=option]").first
    assert first.inner_text() == "萝卜"
    box.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    screenshot(page, "search-suggest-zh")
    with page.expect_navigation():
        box.press("Enter")
    assert page.locator("[data-testid=product-card]").count() >= 1
    facets = page.locator("[data-testid=facets]")
    assert facets.is_hidden()  # a phone: the filters wait in a sheet
    page.locator("[data-testid=filter-open]").click()
    assert facets.is_visible()
    screenshot(page, "search-sheet-zh")
    with page.expect_navigation():
        facets.locator("[data-facet=province]").first.click()
    assert page.locator("[data-testid=chips] .chip").count() == 1

    desktop = new_page(language="en", mobile=False)
    desktop.goto(asgi_server.url + "/search/?q=radish")
    assert desktop.locator("[data-testid=facets]").is_visible()
    assert desktop.locator("[data-testid=filter-open]").is_hidden()
    screenshot(desktop, "search-facets-en-desktop")
