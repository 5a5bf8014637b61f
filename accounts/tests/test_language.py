"""The account's language (what notifications and e-mails are written in): set at sign-up, log-in and the
language switch, editable in the settings page and through `me`."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_sign_up_takes_the_requests_language(client, api_client):
    client.post(
        "/accounts/signup/",
        {"username": "lily", "email": "lily@example.com", "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    api_client.post(
        "/api/v1/auth/register/",
        {"username": "wang", "email": "wang@example.com", "password": PASSWORD},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    api_client.post(
        "/api/v1/auth/register/",
        {"username": "zhao", "email": "zhao@example.com", "password": PASSWORD},
        format="json",
    )
    assert dict(User.objects.values_list("username", "language")) == {"lily": "en", "wang": "en", "zhao": "zh-hans"}


def test_logging_in_takes_the_requests_language(client, api_client):
    user = UserFactory()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="en")
    user.refresh_from_db()
    assert user.language == "en"
    api_client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_the_settings_page_changes_it_and_the_pages_follow(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/notifications/settings/", {"language": "en"})
    assert response.status_code == 302 and response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    refused = client.post("/notifications/settings/", {"language": "fr", "email_order_new": "on"})
    assert refused.status_code == 400 and "Choose one of the site" in refused.content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_me_shows_and_changes_it(api_client):
    user = UserFactory()
    api_client.force_authenticate(user)
    assert api_client.get("/api/v1/me/").json()["language"] == "zh-hans"
    assert api_client.patch("/api/v1/me/", {"language": "en"}, format="json").json()["language"] == "en"
    assert api_client.patch("/api/v1/me/", {}, format="json").json()["language"] == "en"  # nothing to change
    bad = api_client.patch("/api/v1/me/", {"language": "xx"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "validation_error"
    assert "language" in bad.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.language == "en"


def test_log_in_and_sign_up_take_text_only(api_client):
    user = UserFactory()
    for body in ({"username": user.username, "password": 12345678}, {"username": 0, "password": PASSWORD}):
        answer = api_client.post("/api/v1/auth/token/", body, format="json")
        assert answer.status_code == 400 and answer.json()["error"]["code"] == "validation_error"
    answer = api_client.post(
        "/api/v1/auth/register/",
        {"username": "num", "email": "num@example.com", "password": 12345678901},
        format="json",
    )
    assert answer.status_code == 400 and "password" in answer.json()["error"]["fields"]
    assert not User.objects.filter(username="num").exists()
