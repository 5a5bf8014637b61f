"""common.cache.raw_redis: the cache's Redis server as one redis-py client per process, reused by every call
(bench B1: a client built per call cost ~60 µs on every checkout, buy-now and rate-limited request)."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from common.cache import raw_redis


def test_one_client_per_process_reused_across_calls():
    first = raw_redis()

    assert first is not None
    assert raw_redis() is first
    assert raw_redis().connection_pool is first.connection_pool


def test_the_client_talks_to_the_cache_server_under_the_cache_keys():
    cache.set("raw-redis-probe", 1, 30)
    try:
        assert raw_redis().exists(cache.make_and_validate_key("raw-redis-probe")) == 1
    finally:
        cache.delete("raw-redis-probe")


def test_no_client_when_the_cache_is_not_redis():
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        assert raw_redis() is None


def test_the_cache_reuses_one_client_per_pool_across_calls_and_threads():
    """Django's client builds a `redis.Redis` per cache call (0.13 ms: a copy of ~1,000 response callbacks);
    the shared-pool client hands out one per pool, from any thread or cache object."""
    import threading

    from django.core.cache import caches

    backend = caches["default"]
    first = backend._cache.get_client(write=True)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(caches["default"]._cache.get_client(write=True)))
    thread.start()
    thread.join()

    assert backend._cache.get_client("any-key") is first
    assert seen == [first]
    cache.set("one-client-probe", 7, 30)
    assert cache.get("one-client-probe") == 7
    cache.delete("one-client-probe")
