"""The log-in lockout counts atomically (parallel guesses cannot all pass) and fails closed without Redis;
the other limits fail open. Real threads against real Redis; the outage is a cache on a closed port."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.services import user_token_for_credentials
from common.errors import RateLimited, ValidationFailed
from conftest import free_port
from tests.factories import PASSWORD, ShopFactory, UserFactory, sku_in_shop
from tests.ratelimits import inside_one_window

TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clean_counters():
    """This run's counters only (never FLUSHDB: another pytest process may share the Redis database)."""
    from django.core.cache import cache

    from common.cache import raw_redis

    client = raw_redis()
    keys = list(client.scan_iter(match=cache.make_key("rl:*"), count=1000))
    if keys:
        client.delete(*keys)


def _limits(settings, **rates):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}
    for rate in rates.values():
        inside_one_window(rate, seconds=20)


@pytest.fixture
def redis_down(settings):
    """The cache (and so every limiter's counter) points at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_at_most_the_limit_checked(settings):
    # given: an account that locks after 5 failures, and 24 guesses sent at the same moment
    _limits(settings, login_account="5/h")
    user = UserFactory()
    guesses = 24
    barrier = threading.Barrier(guesses)
    outcomes: list[str] = []
    lock = threading.Lock()

    def guess(n: int) -> None:
        barrier.wait()
        try:
            user_token_for_credentials(username=user.username, password=f"guess-{n}", address=f"10.9.{n}.1")
            outcome = "accepted"
        except ValidationFailed:
            outcome = "checked"  # the password was compared, and was wrong
        except RateLimited:
            outcome = "locked"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    # when
    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    # then: five passwords were compared, every other guess was refused unchecked
    assert len(outcomes) == guesses
    assert outcomes.count("checked") == 5
    assert outcomes.count("locked") == guesses - 5
    # and the account is locked for the right password too
    response = APIClient().post(TOKEN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.9.99.1")
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_right_password_gives_its_count_back(settings):
    _limits(settings, login_account="2/h", login_address="2/h")
    user = UserFactory()
    for _ in range(6):
        assert APIClient().post(TOKEN, {"username": user.username, "password": PASSWORD}).status_code == 200
    assert APIClient().post(TOKEN, {"username": user.username, "password": "wrong"}).status_code == 400


@pytest.mark.django_db
def test_api_login_fails_closed_with_503_and_retry_after_when_redis_is_down(redis_down):
    user = UserFactory()

    response = APIClient().post(
        TOKEN, {"username": user.username, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    error = response.json()["error"]
    assert error["code"] == "temporarily_unavailable"
    assert error["message"] == "登录暂时不可用，请一分钟后再试。"
    assert "token" not in response.json()


@pytest.mark.django_db
def test_login_page_fails_closed_with_503_when_redis_is_down(redis_down):
    user = UserFactory()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "Logging in is unavailable for a moment" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_other_limits_fail_open_when_redis_is_down(redis_down):
    buyer = UserFactory()
    sku = sku_in_shop(ShopFactory(), stock=10)
    client = APIClient()
    client.force_authenticate(buyer)

    assert client.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}).status_code == 201
    signup = {"username": "newfarmer", "email": "n@example.com", "password": "腌萝卜-2026-xyz"}
    assert APIClient().post("/api/v1/auth/register/", signup).status_code == 201
