"""Dropping a show's running stream at once, through nginx-rtmp's control module (the project's nginx serves
`/control` to this host only: live/nginx). Asked after the show's end is committed. When nginx cannot be
reached, its next update callback refuses the ended show and drops the stream then (live.services.shows)."""

from __future__ import annotations

import logging
import urllib.request
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

CONTROL_TIMEOUT_SECONDS = 2.0


def stream_drop(*, public_id: str, key: str = "") -> bool:
    """Asks nginx to drop the publisher of the `live` application's stream; True when it dropped one.
    The stream carries the show's public id once the publish callback renamed it, its key before."""
    base = (settings.LIVE_CONTROL_URL or "").rstrip("/")
    if not base:
        return False
    for name in (public_id, key):
        if not name:
            continue
        url = f"{base}/drop/publisher?{urlencode({'app': 'live', 'name': name})}"
        try:
            with urllib.request.urlopen(url, timeout=CONTROL_TIMEOUT_SECONDS) as response:  # noqa: S310 - our nginx
                dropped = response.read().decode("ascii", "replace").strip()
        except (OSError, ValueError):
            logger.warning("nginx's control module did not answer at %s: the next update callback drops it", base)
            return False
        if dropped.isdigit() and int(dropped) > 0:
            return True
    return False


def stream_drop_on_commit(*, public_id: str, key: str = "") -> None:
    transaction.on_commit(lambda: stream_drop(public_id=public_id, key=key), robust=True)
