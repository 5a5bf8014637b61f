"""Log-out ends this session only; "log out everywhere" (page and API) and deactivation end every
session and token of the person, found through the sessions' owner index, never by reading others'."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.module_loading import import_string
from rest_framework.test import APIClient

from accounts.services import user_deactivate
from tests.factories import PASSWORD, UserFactory, token_for

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def _logged_in(user) -> Client:
    client = Client()
    assert client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    return client


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def _signed_in(client: Client) -> bool:
    return client.get(ME).status_code == 200


def test_logging_out_ends_this_session_and_keeps_the_token_and_other_devices():
    user = UserFactory()
    browser, laptop, phone = _logged_in(user), _logged_in(user), _token_client(user)

    assert browser.post("/accounts/logout/").status_code == 302

    assert not _signed_in(browser)
    assert _signed_in(laptop)
    assert phone.get(ME).status_code == 200  # the phone app's token still works


def test_log_out_everywhere_page_ends_every_session_and_token():
    user, other = UserFactory(), UserFactory()
    browser, laptop, phone = _logged_in(user), _logged_in(user), _token_client(user)
    bystander = _logged_in(other)

    page = browser.get("/accounts/logout-everywhere/")
    assert page.status_code == 200
    response = browser.post("/accounts/logout-everywhere/", follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert response.redirect_chain == [("/", 302)]
    assert "You are logged out everywhere (2 sessions ended)." in response.content.decode()
    assert not _signed_in(browser)
    assert not _signed_in(laptop)
    assert phone.get(ME).status_code == 401
    assert _signed_in(bystander)  # someone else's session is untouched


def test_log_out_everywhere_api_ends_the_sessions_and_tokens():
    user = UserFactory()
    laptop, phone = _logged_in(user), _token_client(user)

    response = phone.post("/api/v1/auth/logout-everywhere/")

    assert response.status_code == 200
    assert response.json() == {"sessions_ended": 1, "tokens_ended": 1}
    assert phone.get(ME).status_code == 401
    assert not _signed_in(laptop)


def test_deactivation_ends_every_session():
    user = UserFactory()
    laptop = _logged_in(user)

    user_deactivate(user=user)

    assert not _signed_in(laptop)


def _rows_read() -> int:
    """Table rows this transaction has read so far (PostgreSQL's per-transaction statistics)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) FROM pg_stat_xact_user_tables"
        )
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("path", ["/accounts/logout/", "/accounts/logout-everywhere/"])
def test_logging_out_reads_no_one_elses_sessions(path, django_assert_max_num_queries):
    # given: 400 live sessions of other people
    store_class = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    for n in range(400):
        store = store_class()
        store["_auth_user_id"] = str(10_000_000 + n)
        store.create()
    user = UserFactory()
    browser = _logged_in(user)

    # when
    before = _rows_read()
    with django_assert_max_num_queries(10):
        assert browser.post(path).status_code == 302

    # then: the work does not grow with the other sessions (it read a handful of rows, not 400)
    assert _rows_read() - before < 50
    assert not _signed_in(browser)


def test_the_daily_task_clears_expired_sessions_only():
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import UserSession
    from accounts.tasks import sessions_clear_expired_task

    user = UserFactory()
    live = _logged_in(user)
    expired = _logged_in(user)
    UserSession.objects.filter(session_key=expired.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    sessions_clear_expired_task.apply().get()

    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live.session.session_key]
    assert _signed_in(live)
