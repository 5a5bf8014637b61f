"""Abuse limits: log-in lockout, registration, chat, cart and checkout answer 429 with Retry-After;
one person's limit never slows anyone else; X-Forwarded-For counts only from a trusted proxy."""

from __future__ import annotations

import time

import pytest
import redis
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from chat.services import conversation_start
from common.ratelimit import client_address
from tests.factories import ADDRESS, PASSWORD, ProductWithSkuFactory, ShopFactory, UserFactory, sku_in_shop
from tests.ratelimits import inside_one_window

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
REGISTER = "/api/v1/auth/register/"


@pytest.fixture(autouse=True)
def _clean_cache():
    """Forget this run's counters. Not cache.clear(): that is FLUSHDB, which would also wipe the keys of
    another pytest process (make test runs two) sharing the Redis database."""
    from django.core.cache import cache

    from common.cache import raw_redis

    client = raw_redis()
    keys = list(client.scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        client.delete(*keys)


def _limits(settings, **rates):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}
    for rate in rates.values():
        inside_one_window(rate, seconds=10)


def _token(username: str, password: str, address: str = "10.1.1.1"):
    return APIClient().post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


def _assert_429(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def _api_429(response) -> None:
    _assert_429(response)
    assert response.json()["error"]["code"] == "rate_limited"


# --- log-in lockout ---------------------------------------------------------------------------------


def test_api_login_locks_the_account_after_repeated_failures_from_any_address(settings):
    _limits(settings, login_account="3/h")
    user = UserFactory()
    for n in range(3):
        assert _token(user.username, "wrong", address=f"10.0.0.{n}").status_code == 400
    # Even the right password, from a fresh address, waits now: that is what a lockout is.
    _api_429(_token(user.username, PASSWORD, address="10.0.0.99"))
    _api_429(_token(user.username.upper(), PASSWORD, address="10.0.0.98"))
    # Another account is not locked.
    other = UserFactory()
    assert _token(other.username, PASSWORD, address="10.0.0.1").status_code == 200


def test_api_login_locks_the_address_that_tries_many_accounts(settings):
    _limits(settings, login_address="3/h")
    victims = UserFactory.create_batch(4)
    for victim in victims[:3]:
        assert _token(victim.username, "guess", address="10.6.6.6").status_code == 400
    _api_429(_token(victims[3].username, PASSWORD, address="10.6.6.6"))
    # The same account from an honest address logs in.
    assert _token(victims[3].username, PASSWORD, address="10.7.7.7").status_code == 200


def test_successful_logins_do_not_count_towards_the_lockout(settings):
    _limits(settings, login_account="2/h")
    user = UserFactory()
    for _ in range(5):
        assert _token(user.username, PASSWORD).status_code == 200


def test_login_page_locks_the_account_with_429_and_retry_after(settings):
    _limits(settings, login_account="3/h")
    user = UserFactory()
    for n in range(3):
        response = Client(REMOTE_ADDR=f"10.2.0.{n}").post(
            "/accounts/login/", {"username": user.username, "password": "wrong"}
        )
        assert response.status_code == 200
    locked = Client(REMOTE_ADDR="10.2.0.50").post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    _assert_429(locked)
    assert "_auth_user_id" not in locked.wsgi_request.session


def test_login_page_and_api_share_one_lockout(settings):
    _limits(settings, login_account="2/h")
    user = UserFactory()
    Client().post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert _token(user.username, "wrong").status_code == 400
    _api_429(_token(user.username, PASSWORD))


# --- registration, chat, cart, checkout ------------------------------------------------------------


def test_register_page_is_limited_with_429(settings):
    _limits(settings, register="1/h")
    client = Client(REMOTE_ADDR="10.3.3.3")
    first = client.post(
        "/accounts/signup/", {"username": "radish1", "email": "r1@example.com", "password": "pickled-radish-28"}
    )
    assert first.status_code == 302
    client.post("/accounts/logout/")
    second = client.post(
        "/accounts/signup/", {"username": "radish2", "email": "r2@example.com", "password": "pickled-radish-28"}
    )
    _assert_429(second)
    assert not User.objects.filter(username="radish2").exists()


def test_register_api_is_limited_per_address_and_other_addresses_go_on(settings):
    _limits(settings, register="1/h")
    body = {"email": "x@example.com", "password": "pickled-radish-28"}
    assert (
        APIClient()
        .post(REGISTER, {**body, "username": "a1", "email": "a1@example.com"}, format="json", REMOTE_ADDR="10.4.4.4")
        .status_code
        == 201
    )
    _api_429(
        APIClient().post(
            REGISTER, {**body, "username": "a2", "email": "a2@example.com"}, format="json", REMOTE_ADDR="10.4.4.4"
        )
    )
    assert (
        APIClient()
        .post(REGISTER, {**body, "username": "a3", "email": "a3@example.com"}, format="json", REMOTE_ADDR="10.4.4.5")
        .status_code
        == 201
    )


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_cart_limit_is_429_and_other_buyers_are_unaffected(settings):
    _limits(settings, cart="3/h")
    sku = sku_in_shop(ShopFactory(), stock=100)
    greedy, other = _client(UserFactory()), _client(UserFactory())
    answers = [greedy.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [201, 201, 201]
    _api_429(answers[3])
    assert other.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}).status_code == 201
    assert other.get("/api/v1/cart/").status_code == 200


def test_checkout_limit_is_429_and_places_nothing(settings):
    from orders.models import Order

    _limits(settings, checkout="2/h")
    sku = sku_in_shop(ShopFactory(), stock=100)
    buyer, other = UserFactory(), UserFactory()
    client = _client(buyer)
    body = {"address": ADDRESS, "items": [{"sku": sku.pk, "quantity": 1}]}
    assert [client.post("/api/v1/checkout/", body, format="json").status_code for _ in range(2)] == [201, 201]
    _api_429(client.post("/api/v1/checkout/", body, format="json"))
    assert Order.objects.filter(buyer=buyer).count() == 2
    assert _client(other).post("/api/v1/checkout/", body, format="json").status_code == 201


def test_chat_limit_is_429_for_the_sender_only(settings):
    _limits(settings, chat="2/h")
    product = ProductWithSkuFactory()
    chatty, quiet = UserFactory(), UserFactory()
    mine, _ = conversation_start(buyer=chatty, shop=product.shop)
    theirs, _ = conversation_start(buyer=quiet, shop=product.shop)
    client = _client(chatty)
    answers = [client.post(f"/api/v1/conversations/{mine.pk}/messages/", {"text": f"#{n}"}) for n in range(3)]
    assert [a.status_code for a in answers[:2]] == [201, 201]
    _api_429(answers[2])
    assert _client(quiet).post(f"/api/v1/conversations/{theirs.pk}/messages/", {"text": "在吗"}).status_code == 201
    # The seller answers the limited buyer's conversation freely: the limit is per sender.
    assert (
        _client(product.shop.owner).post(f"/api/v1/conversations/{mine.pk}/messages/", {"text": "在的"}).status_code
        == 201
    )


def test_a_limited_user_does_not_slow_down_others(settings):
    """While one buyer hammers the cart and is refused, another's requests are answered as quickly as before."""
    _limits(settings, cart="1/h")
    sku = sku_in_shop(ShopFactory(), stock=100)
    greedy, other = _client(UserFactory()), _client(UserFactory())

    def timed(client) -> float:
        start = time.perf_counter()
        assert client.get("/api/v1/cart/").status_code == 200
        return time.perf_counter() - start

    before = sorted(timed(other) for _ in range(10))[5]
    refused = [greedy.post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}).status_code for _ in range(50)]
    during = sorted(timed(other) for _ in range(10))[5]
    assert refused.count(429) == 49
    # Same work, same answer: a refused request costs nothing per other user (generous bound: noisy CI).
    assert during < before * 5 + 0.05


# --- X-Forwarded-For ----------------------------------------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        pytest.param([], "203.0.113.9", "1.2.3.4", "203.0.113.9", id="no-proxies-trusted-header-ignored"),
        pytest.param(["10.0.0.0/8"], "203.0.113.9", "1.2.3.4", "203.0.113.9", id="untrusted-peer-header-ignored"),
        pytest.param(["10.0.0.1"], "10.0.0.1", "1.2.3.4", "1.2.3.4", id="trusted-proxy-header-believed"),
        pytest.param(
            ["10.0.0.0/8"], "10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2", "1.2.3.4", id="spoofed-left-hops-ignored"
        ),
        pytest.param(["10.0.0.1"], "10.0.0.1", "not-an-ip", "not-an-ip", id="garbage-hop-is-its-own-bucket"),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    assert client_address(_request(remote, forwarded)) == expected


def test_spoofed_forwarded_for_does_not_escape_the_register_limit(settings):
    _limits(settings, register="1/h")
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    body = {"password": "pickled-radish-28"}
    first = APIClient().post(
        REGISTER,
        {**body, "username": "s1", "email": "s1@example.com"},
        format="json",
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="1.1.1.1",
    )
    spoofed = APIClient().post(
        REGISTER,
        {**body, "username": "s2", "email": "s2@example.com"},
        format="json",
        REMOTE_ADDR="198.51.100.7",
        HTTP_X_FORWARDED_FOR="2.2.2.2",
    )
    assert first.status_code == 201
    _api_429(spoofed)
    # Through the trusted proxy, two real clients have their own buckets.
    via_proxy = [
        APIClient().post(
            REGISTER,
            {**body, "username": f"p{n}", "email": f"p{n}@example.com"},
            format="json",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"5.5.5.{n}",
        )
        for n in range(2)
    ]
    assert [r.status_code for r in via_proxy] == [201, 201]


def test_limits_fail_open_when_the_cache_is_unreachable(settings, monkeypatch):
    """A Redis restart must not turn every limited request into a 500 (tests/faults restarts it for real)."""
    from django.core.cache import cache

    from common import ratelimit

    def unreachable(*args, **kwargs):
        raise ConnectionError("redis is restarting")

    monkeypatch.setattr(cache, "add", unreachable)
    monkeypatch.setattr(cache, "get", unreachable)
    # With Redis the hit is counted on the raw client: point it at a port where nothing listens.
    monkeypatch.setattr(ratelimit, "raw_redis", lambda: redis.Redis(host="127.0.0.1", port=1))
    assert ratelimit.rate_limit_hit(scope="cart", identity="u1") is None
    sku = sku_in_shop(ShopFactory(), stock=10)
    assert _client(UserFactory()).post("/api/v1/cart/items/", {"sku": sku.pk, "quantity": 1}).status_code == 201


def test_the_redis_cache_shares_one_connection_pool_across_threads():
    """Django builds a cache object per thread/async context; under ASGI that was a new Redis connection
    per request. The pools are per process now."""
    import threading

    from common.cache import SharedPoolRedisCache

    pools = []

    def pool_in_a_new_context():
        backend = SharedPoolRedisCache("redis://127.0.0.1:6379/15", {})
        pools.append(backend._cache._get_connection_pool(write=True))

    threads = [threading.Thread(target=pool_in_a_new_context) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(pools) == 4 and all(p is pools[0] for p in pools)
    other = SharedPoolRedisCache("redis://127.0.0.1:6379/14", {})._cache._get_connection_pool(write=True)
    assert other is not pools[0]


def test_a_hit_counts_once_per_window_and_expires(settings):
    from common import ratelimit

    _limits(settings, cart="3/h")
    assert [ratelimit.rate_limit_hit(scope="cart", identity="u-count") for _ in range(3)] == [None] * 3
    assert ratelimit.rate_limit_hit(scope="cart", identity="u-count") >= 1
    assert ratelimit.rate_limit_hit(scope="cart", identity="u-count") >= 1
    client = ratelimit.raw_redis()
    if client is not None:  # on Redis the window's key carries its expiry
        from django.core.cache import cache

        key = cache.make_and_validate_key(f"rl:cart:u-count:{int(time.time() // 3600)}")
        assert 0 < client.ttl(key) <= 3601
