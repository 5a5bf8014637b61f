"""Celery's task routes: money, messages and media on queues of their own (the Procfile runs a worker per
queue), so a burst of thumbnails or of e-mails never delays a payout or a refund."""

from __future__ import annotations

import fnmatch

TASK_QUEUE_BY_NAME = {
    "payments.tasks.*": "payouts",  # refunds, payouts, settlement, the bank-account notice
    "notifications.tasks.*": "notifications",
    "chat.tasks.*": "notifications",
    "live.tasks.show_followers_notify_task": "notifications",
    "catalog.tasks.product_image_thumbnail*": "media",  # thumbnails (search's counts and terms stay on `celery`)
    "live.tasks.replay_make_task": "media",  # ffmpeg
    "marketplace.tasks.media_orphans_sweep_task": "media",
}


def task_route(name, args, kwargs, options, task=None, **kw):
    """The queue of TASK_QUEUE_BY_NAME; but a default queue other than `celery` (CELERY_QUEUE=name,
    or a test's worker setting app.conf.task_default_queue) takes every task: one queue, one worker."""
    from marketplace.celery import app

    default = app.conf.task_default_queue
    if default != "celery":
        return {"queue": default}
    for pattern, queue in TASK_QUEUE_BY_NAME.items():
        if fnmatch.fnmatchcase(name, pattern):
            return {"queue": queue}
    return None
