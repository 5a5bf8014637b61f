"""Two pytest processes (make test runs two) share one Redis database: each must keep to its own keys."""

from django.core.cache import cache  # at module level on purpose: collecting this module touches the cache

from common.ratelimit import rate_limit_hit
from conftest import RUN_ID, redis_keys_delete


def test_the_cache_built_while_collecting_is_replaced_by_one_with_this_runs_prefix():
    """pytest's collection probes module attributes, and a probe of Django's cache proxy builds the cache
    with the settings' default prefix. Kept, both processes counted rate limits under `mkt:` and one
    process's cleanup reset the other's counters (register allowed a third sign-up at 2/h)."""
    assert cache.make_key("k") == f"test-{RUN_ID}:1:k"


def test_a_rate_limit_hit_is_counted_under_this_runs_prefix(settings):
    from common.cache import raw_redis

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "cart": "5/h"}
    rate_limit_hit(scope="cart", identity="u-isolation")
    assert len(list(raw_redis().scan_iter(match=f"test-{RUN_ID}:*rl:cart:u-isolation:*"))) == 1


def test_a_runs_keys_are_deleted_at_its_end_and_no_other_runs():
    """The run's end deletes `test-<its id>*` (conftest `_isolated_test_environment`), keys without an expiry
    (the suggestion terms' version) too; a key outside the pattern stays (here: another prefix of this run's,
    so the run's own end takes it, not a neighbour's)."""
    from common.cache import raw_redis

    client = raw_redis()
    mine, theirs = f"test-{RUN_ID}-end:1:catalog:suggest:version", f"test-{RUN_ID}-kept:1:k"
    client.set(mine, 1)
    client.set(theirs, 1)
    try:
        assert redis_keys_delete(f"test-{RUN_ID}-end*") == 1
        assert client.exists(mine) == 0 and client.exists(theirs) == 1
    finally:
        client.delete(mine, theirs)
