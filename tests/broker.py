"""A Celery broker that is down, for tests of what must survive it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def broker_unreachable() -> Iterator[None]:
    """The real publishing path (not eager) pointed at a closed port: `.delay()` raises kombu's
    OperationalError, as it does when Redis is down. Restored on leaving."""
    from conftest import free_port
    from marketplace.celery import app

    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_publish_retry")}
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    app.conf.task_publish_retry = False
    app._pool, app.amqp._producer_pool = None, None
    try:
        yield
    finally:
        app.conf.update(saved)
        app._pool, app.amqp._producer_pool = None, None
