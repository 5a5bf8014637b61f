"""Fixed-window rate limits in the cache, per signed-in user or per client address."""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache

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


def rate_limit_hit(*, scope: str, identity: str) -> int | None:
    """Counts one hit; returns the seconds to wait if over the limit, else None."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    key = f"rl:{scope}:{identity}:{window}"
    try:
        count = _count_hit(key, period + 1)
    except Exception:  # the cache (Redis) is unreachable: serve the request rather than fail it
        logger.warning("rate limit %s not counted: the cache is unavailable", scope, exc_info=True)
        return None
    if count > limit:
        return max(1, int(period - (time.time() % period)))
    return None


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


def rate_limit_wait(*, scope: str, identity: str) -> int | None:
    """Without counting: the seconds to wait if this identity has already used up its limit, else None."""
    limit, period = parse_rate(settings.RATE_LIMITS[scope])
    window = int(time.time() // period)
    try:
        count = cache.get(f"rl:{scope}:{identity}:{window}") or 0
    except Exception:  # the cache is unreachable: no lockout known
        logger.warning("rate limit %s not checked: the cache is unavailable", scope, exc_info=True)
        return None
    if count >= limit:
        return max(1, int(period - (time.time() % period)))
    return None


def request_identity(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    return f"a{client_address(request)}"


def rate_limit_check(*, request, scope: str) -> None:
    wait = rate_limit_hit(scope=scope, identity=request_identity(request))
    if wait is not None:
        raise RateLimited(retry_after=wait)
