"""Two subclasses of library internals stay, because a benchmark measured them (bench/RESULTS.md):

- common/channel_layer.py subclasses channels-redis's RedisChannelLayer (one reader per process: half the
  socket server's CPU with 1,000 sockets in one conversation, bench B3);
- common/cache.py subclasses Django's RedisCacheClient (one connection pool per process: the socket
  server's database_sync_to_async calls each run in a fresh context, and each would open a connection).

Both rely on private members. The libraries are pinned in requirements.txt; this test fails on an upgrade
that moves them, before production does. Their behaviour is tested in marketplace/tests/test_channel_layer.py
and tests/test_abuse_limits.py (one pool across threads)."""

import importlib.metadata
import inspect

import django
import redis
from channels_redis.core import ChannelLock, RedisChannelLayer
from django.core.cache.backends.redis import RedisCacheClient


def test_channels_redis_is_the_version_the_shared_reader_was_written_against():
    assert importlib.metadata.version("channels-redis") == "4.3.0"


def test_the_channel_layer_internals_the_shared_reader_uses_are_there():
    for name in ("receive_single", "receive", "close_pools"):
        assert inspect.iscoroutinefunction(getattr(RedisChannelLayer, name)), name
    for name in ("non_local_name", "consistent_hash", "connection", "require_valid_channel_name"):
        assert callable(getattr(RedisChannelLayer, name)), name
    layer = RedisChannelLayer(hosts=[{"address": "redis://127.0.0.1:6379/0"}])
    assert isinstance(layer.client_prefix, str)
    assert hasattr(layer.receive_buffer, "__getitem__")
    assert list(inspect.signature(RedisChannelLayer.receive_single).parameters) == ["self", "channel"]
    # Reset when the layer moves to a new event loop (common/channel_layer.py, _reader_ensure).
    assert isinstance(layer.receive_clean_locks, ChannelLock) and layer.receive_cleaners == []


def test_django_is_the_version_the_shared_cache_pool_was_written_against():
    assert django.get_version() == "5.2.19"


def test_the_cache_client_internals_the_shared_pool_uses_are_there():
    client = RedisCacheClient(["redis://127.0.0.1:6379/0"])
    assert client._servers == ["redis://127.0.0.1:6379/0"]
    assert isinstance(client._pool_options, dict)
    assert client._pool_class is not None
    assert client._get_connection_pool_index(write=True) == 0
    assert list(inspect.signature(RedisCacheClient._get_connection_pool).parameters) == ["self", "write"]
    # get_client(key, *, write) is the hook the shared client overrides; _client is the redis-py class it builds.
    assert list(inspect.signature(RedisCacheClient.get_client).parameters) == ["self", "key", "write"]
    assert client._client is redis.Redis
