"""Fixed-window rate limits in the cache, per signed-in user or per client address."""

from __future__ import annotations

import ipaddress
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.cache import raw_redis
from common.errors import RateLimited

logger = logging.getLogger(__name__)

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'20/10s' → (20, 10); '10/h' → (10, 3600)."""
    count, period = rate.split("/")
    digits = period[:-1] or "1"
    return int(count), int(digits) * _PERIODS[period[-1]]


def client_address(request) -> str:
    """The client's address; X-Forwarded-For counts only when the peer is a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and _is_trusted_proxy(remote):
        # The right-most address not belonging to a trusted proxy is the client.
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            if not _is_trusted_proxy(hop):
                return hop
    return remote


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in settings.TRUSTED_PROXIES)


# How long a client is asked to wait when a limiter that fails closed cannot reach its counter.
UNAVAILABLE_RETRY_AFTER = 30


class RateLimiterUnavailable(RateLimited):
    """A limiter that must not be skipped (the log-in lockout) cannot count: a 503 with Retry-After.

    A RateLimited, so every place that answers a limit (the API's handler, the pages) sends Retry-After.
    """

    code = "temporarily_unavailable"
    status = 503
    default_message = gettext_lazy("This is unavailable for a moment. Please try again shortly.")


def rate_limit_hit(*, scope: str, identity: str, fail_closed: bool = False) -> int | None:
    """Counts one hit; returns the seconds to wait if over the limit, else None.

    The count is one atomic INCR, made before the caller does the limited thing: parallel requests
    each get their own number, so at most `limit` of them pass in a window however many arrive at
    once. When the cache is unreachable the hit is let through (fail open), unless `fail_closed`:
    then RateLimiterUnavailable is raised.
    """
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    key = _key(scope, identity, window)
    try:
        count = _count_hit(key, period + 1)
    except Exception as exc:  # the cache (Redis) is unreachable
        if fail_closed:
            logger.error("rate limit %s not counted: the cache is unavailable; refusing", scope, exc_info=True)
            raise RateLimiterUnavailable(
                _("This is unavailable for a moment. Please try again in a minute."),
                retry_after=UNAVAILABLE_RETRY_AFTER,
            ) from exc
        logger.warning("rate limit %s not counted: the cache is unavailable", scope, exc_info=True)
        return None
    return _wait(count, limit, period)


def _wait(count: int, limit: int, period: int) -> int | None:
    if count > limit:
        return max(1, int(period - (time.time() % period)))
    return None


@dataclass(frozen=True)
class RateWindow:
    """This window's counter of a scope and identity in Redis, for a caller that counts the hit in a round
    trip of its own (the stock gate's, catalog.stock_gate): INCR `redis_key`, its expiry `expiry` set on the
    window's first hit, as `rate_limit_hit` does; then `wait(count)`."""

    redis_key: str
    expiry: int
    limit: int
    period: int

    def wait(self, count: int) -> int | None:
        """The seconds to wait if the hit that made `count` is over the limit, else None."""
        return _wait(count, self.limit, self.period)


def rate_limit_window(*, scope: str, identity: str) -> RateWindow | None:
    """The current window's counter when the limits are counted in Redis (else None: use rate_limit_hit)."""
    if raw_redis() is None:
        return None
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    key = cache.make_and_validate_key(_key(scope, identity, int(time.time() // period)))
    return RateWindow(redis_key=key, expiry=period + 1, limit=limit, period=period)


def rate_limit_hit_undo(*, scope: str, identity: str) -> None:
    """Gives back a hit counted by rate_limit_hit in this window (e.g. a log-in that turned out right)."""
    _limit, period = parse_rate(settings.RATE_LIMITS[scope])
    key = _key(scope, identity, int(time.time() // period))
    try:
        client = raw_redis()
        if client is not None:
            client.eval(_DECR_IF_POSITIVE, 1, cache.make_and_validate_key(key))
        elif (cache.get(key) or 0) > 0:
            cache.decr(key)
    except Exception:  # unreachable or expired meanwhile: nothing to give back
        logger.warning("rate limit %s: a hit could not be given back", scope, exc_info=True)


_DECR_IF_POSITIVE = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


def _key(scope: str, identity: str, window: int) -> str:
    return f"rl:{scope}:{identity}:{window}"


def _count_hit(key: str, timeout: int) -> int:
    client = raw_redis()
    if client is not None:  # one round trip: INCR, and the expiry only on the window's first hit
        pipe = client.pipeline(transaction=False)
        redis_key = cache.make_and_validate_key(key)
        pipe.incr(redis_key)
        pipe.expire(redis_key, timeout, nx=True)
        return int(pipe.execute()[0])
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


def request_identity(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"a{client_address(request)}"


def rate_limit_check(*, request, scope: str) -> None:
    wait = rate_limit_hit(scope=scope, identity=request_identity(request))
    if wait is not None:
        raise RateLimited(retry_after=wait)
