"""The Redis cache backend with one connection pool per process.

Django keeps one cache object per thread / async context, and its Redis client opens its own connection
pool in each. Under ASGI every request runs in a fresh context, so every request paid a new TCP connection
to Redis (5.6 % of a checkout's profile in bench B1). Here the pools are shared by the whole process
(redis-py pools are thread-safe and reset themselves after a fork).
"""

from __future__ import annotations

import threading

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_pools: dict[tuple, object] = {}
_pools_lock = threading.Lock()


class SharedPoolRedisCacheClient(RedisCacheClient):
    def _get_connection_pool(self, write):
        url = self._servers[self._get_connection_pool_index(write)]
        key = (url, self._pool_class)
        pool = _pools.get(key)
        if pool is None:
            with _pools_lock:
                pool = _pools.get(key)
                if pool is None:
                    pool = _pools[key] = self._pool_class.from_url(url, **self._pool_options)
        return pool


class SharedPoolRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedPoolRedisCacheClient


def raw_redis():
    """The default cache's redis-py client (for atomic pipelines), or None when the cache isn't Redis."""
    client = getattr(cache, "_cache", None)
    if isinstance(client, RedisCacheClient):
        return client.get_client(write=True)
    return None
