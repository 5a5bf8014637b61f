from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from common.tasks import enqueue_now
from live.services.followers import show_followers_notify
from live.services.replays import ReplayFailed, replay_make

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=3, default_retry_delay=30)
def replay_make_task(self, show_id: int, recording: str) -> None:
    try:
        replay_make(show_id=show_id, recording=recording)
    except ReplayFailed as exc:
        from live.models import Show

        logger.error("replay of show %s failed: %s", show_id, exc)
        Show.objects.filter(pk=show_id).update(replay_error=str(exc)[:500])
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True, max_retries=5, default_retry_delay=30, autoretry_for=(OperationalError, InterfaceError))
def show_followers_notify_task(show_id: int, after_id: int = 0) -> None:
    """One batch of the shop's followers; queues the next batch (idempotent: the notification's key)."""
    cursor = show_followers_notify(show_id=show_id, after_id=after_id)
    if cursor is not None:
        enqueue_now(show_followers_notify_task, show_id, cursor)
