"""The overdue sweep: what a beat task runs to find work whose moment passed (an unpaid order past its
deadline, a refund request nobody answered, an e-mail or a task whose enqueue was lost) and do it.

Each item is handled on its own (its own transaction, inside `action`), oldest first, at most `limit` per
run; an item whose state moved on between the read and the action (paid meanwhile, answered meanwhile)
raises one of `skip` and is passed over. Running a sweep twice is harmless: the actions are idempotent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from common.tasks import enqueue_now

SWEEP_BATCH = 200


def overdue_sweep(
    due: QuerySet,
    action: Callable[[int], Any],
    *,
    order_by: str = "pk",
    limit: int | None = SWEEP_BATCH,
    skip: tuple[type[Exception], ...] = (),
) -> int:
    """Calls `action(pk)` for the first `limit` rows of `due` in `order_by` order (None: all of them);
    returns how many were done (an action that returns False, or raises one of `skip`, did nothing)."""
    ids = due.order_by(order_by).values_list("pk", flat=True)
    done = 0
    for pk in list(ids if limit is None else ids[:limit]):
        try:
            result = action(pk)
        except skip:
            continue
        done += result is not False
    return done


def overdue_enqueue(due: QuerySet, task, *, order_by: str = "pk", limit: int | None = SWEEP_BATCH) -> int:
    """Queues `task(pk)` for each due row (the sweep for work done by a task); returns how many were queued
    (a broker that refuses one is logged, and the next run finds it again)."""
    return overdue_sweep(due, lambda pk: enqueue_now(task, pk), order_by=order_by, limit=limit)
