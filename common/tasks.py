"""Queueing Celery tasks from services: after commit, and never at the cost of the request that asked.

A broker that is down (or a task that fails while running eagerly in the embedded demo) must not turn
a committed action into a 500: the row that asked for the work is already saved, and the work that
must happen has a state and a sweep that finds it again (refunds, payouts, thumbnails). So an enqueue
failure is logged, not raised.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_now(task, *args: Any, **kwargs: Any) -> bool:
    """`task.delay(*args, **kwargs)`; False (and a log line) if the broker refused it."""
    try:
        task.delay(*args, **kwargs)
    except Exception:
        logger.exception("Could not queue %s%r; its sweep will find the work again", task.name, args)
        return False
    return True


def enqueue_on_commit(task, *args: Any, **kwargs: Any) -> None:
    """Queues `task` once the current transaction commits (at once outside one); failures are logged."""
    transaction.on_commit(lambda: enqueue_now(task, *args, **kwargs), robust=True)
