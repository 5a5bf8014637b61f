"""The site's own error pages with DEBUG off (issue 18 #5): never Django's debug page or a bare traceback."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _boom(*args, **kwargs):
    raise RuntimeError("something broke")


def test_a_failing_page_shows_the_sites_500_page(settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setattr("marketplace.views.pages.category_tree", _boom)
    response = Client(raise_request_exception=False).get("/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in body and "Traceback" not in body and "RuntimeError" not in body
    assert 'class="site-header"' in body  # the site's own page, with its header


def test_the_500_page_still_answers_when_the_page_frame_itself_fails(settings, monkeypatch):
    """The header's badges read the database: when that is what broke, a plain page is sent instead."""
    settings.DEBUG = False
    monkeypatch.setattr("marketplace.views.pages.category_tree", _boom)
    monkeypatch.setattr("orders.selectors.cart_item_count", _boom)
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出了点问题，请稍后再试。" in body and "RuntimeError" not in body
