"""Read replicas: anonymous catalogue reads go to a streaming replica; everything else reads the primary.

`DATABASE_REPLICA_URLS` (comma-separated) adds the databases `replica_0`, `replica_1`, …. Only a request
that `ReplicaReadsMiddleware` lets through reads from one of them:

- a GET or HEAD of a public catalogue page or API list (REPLICA_VIEWS: home, search, shopfront, product
  page, the product list and detail, the category tree, a shop's public detail);
- from somebody anonymous: no token (`Authorization`), no signed-in session — a signed-in buyer or seller
  reads the primary everywhere, so a seller sees their own edit at once;
- who has not written in the last REPLICA_PIN_SECONDS: any request with an unsafe method (a log-in, an
  anonymous cart) sets a short cookie that pins the browser to the primary (read-your-writes);
- and a replica whose replay lag is at most DATABASE_REPLICA_MAX_LAG seconds (checked at most once every
  REPLICA_CHECK_SECONDS per process); a replica that lags or cannot be reached is skipped, and with none
  left the request reads the primary.

Every write goes to the primary (a model loaded from a replica and saved is saved there), as do Celery
tasks, management commands and sockets: the replica is opt-in per request, never by default.
"""

from __future__ import annotations

import contextvars
import logging
import random
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

# The URL names whose GET/HEAD answers anyone gets the same: the catalogue.
REPLICA_VIEWS = frozenset(
    {
        "home",
        "shop",
        "product",
        "catalog:search",
        "api:product-list",
        "api:product-detail",
        "api:category-tree",
        "api:shop-detail",
    }
)
PIN_COOKIE = "mk_primary"

_read_from: contextvars.ContextVar[str | None] = contextvars.ContextVar("replica_read_from", default=None)


def replica_aliases() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica_")]


class ReplicaRouter:
    """Reads go where the current request was sent (the primary unless ReplicaReadsMiddleware chose a
    replica); writes, relations and migrations are the primary's."""

    def db_for_read(self, model, **hints) -> str:
        return _read_from.get() or "default"

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # the replicas are copies of the primary: every object is in the same database

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


# --- replica health ------------------------------------------------------------------------------

_LAG_SQL = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN NULL
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
         AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
END
"""
_health: dict[str, tuple[float, bool]] = {}  # alias -> (checked at, usable)
_health_lock = threading.Lock()


def replica_lag_seconds(alias: str) -> float | None:
    """The replica's replay lag: 0 when it streams and has replayed all it received; the age of its last
    replayed transaction otherwise; None when the database is not a replica (not in recovery)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(_LAG_SQL)
        (lag,) = cursor.fetchone()
    return None if lag is None else float(lag)


def replica_usable(alias: str) -> bool:
    now = time.monotonic()
    checked = _health.get(alias)
    if checked and now - checked[0] < settings.REPLICA_CHECK_SECONDS:
        return checked[1]
    with _health_lock:
        checked = _health.get(alias)
        if checked and now - checked[0] < settings.REPLICA_CHECK_SECONDS:
            return checked[1]
        try:
            lag = replica_lag_seconds(alias)
            usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG
            if not usable:
                logger.warning("replica %s skipped: lag %s s", alias, lag)
        except Exception:
            logger.warning("replica %s skipped: unreachable", alias, exc_info=True)
            connections[alias].close()
            usable = False
        _health[alias] = (time.monotonic(), usable)
        return usable


def replica_choose() -> str | None:
    aliases = [alias for alias in replica_aliases() if replica_usable(alias)]
    return random.choice(aliases) if aliases else None


# --- the request's choice ------------------------------------------------------------------------


def _anonymous(request) -> bool:
    if "HTTP_AUTHORIZATION" in request.META or PIN_COOKIE in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not request.user.is_authenticated  # the session is read here, from the primary


class ReplicaReadsMiddleware:
    """Sends an anonymous catalogue read to a replica; pins a browser that wrote to the primary for a while."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _read_from.set(None)
        try:
            response = self.get_response(request)
        finally:
            _read_from.reset(token)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            response.set_cookie(
                PIN_COOKIE, "1", max_age=settings.REPLICA_PIN_SECONDS, httponly=True, samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in REPLICA_VIEWS
            and _anonymous(request)
        ):
            _read_from.set(replica_choose())
        return None
