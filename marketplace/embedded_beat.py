"""Celery beat for the embedded default (no REDIS_URL: no broker, no worker, no beat process).

The product's clocks are beat entries: unpaid orders cancelled after ORDER_PAYMENT_DEADLINE, receipt
confirmed ORDER_AUTO_CONFIRM_DAYS after shipping, refund requests escalated, stuck refunds sent again.
Without a beat process they would never run in `make run`, so this middleware runs the due entries of
CELERY_BEAT_SCHEDULE lazily, in the request thread (before the view, so the page already shows their
effect), at most once every EMBEDDED_BEAT_SECONDS per process and one run at a time. Each task is a
sweep that is safe to run again, so a restart (which forgets the last runs) only runs them once more.

On when EMBEDDED_BEAT is on (the default without REDIS_URL); the full topology runs `celery beat`.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from celery.schedules import crontab, maybe_schedule
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


class EmbeddedBeat:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = timezone.now()
        self._last_run: dict[str, datetime] = {}
        self._next_check = 0.0

    def due(self, now: datetime) -> list[str]:
        """The entries whose time has come. An interval entry is due at once after a start; a crontab
        entry (the nightly payout batch) first at its next time after the process started."""
        from marketplace.celery import app

        names = []
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            schedule = maybe_schedule(entry["schedule"], app=app)
            last = self._last_run.get(name)
            if last is None:
                if isinstance(schedule, crontab):
                    last = self._started
                else:
                    names.append(name)
                    continue
            # remaining_estimate counts from the real clock: the next run's moment, compared with `now`.
            if now >= timezone.now() + schedule.remaining_estimate(last):
                names.append(name)
        return names

    def tick(self, *, now: datetime | None = None) -> list[str]:
        """Runs the due entries (a second caller meanwhile returns at once). Returns their names."""
        if not self._lock.acquire(blocking=False):
            return []
        try:
            now = now or timezone.now()
            ran = []
            for name in self.due(now):
                self._run(name)
                self._last_run[name] = now
                ran.append(name)
            return ran
        finally:
            self._lock.release()

    def maybe_tick(self) -> list[str]:
        if time.monotonic() < self._next_check:
            return []
        self._next_check = time.monotonic() + settings.EMBEDDED_BEAT_SECONDS
        return self.tick()

    @staticmethod
    def _run(name: str) -> None:
        from marketplace.celery import app

        entry = settings.CELERY_BEAT_SCHEDULE[name]
        try:
            app.loader.import_default_modules()
            app.tasks[entry["task"]].apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}), throw=True)
        except Exception:  # one failing sweep must neither break the page nor stop the others
            logger.exception("Embedded beat: %s failed", name)


beat = EmbeddedBeat()


class EmbeddedBeatMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.EMBEDDED_BEAT:
            beat.maybe_tick()
        return self.get_response(request)
