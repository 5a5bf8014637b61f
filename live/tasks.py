from __future__ import annotations

import logging

from celery import shared_task

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
