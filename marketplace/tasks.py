"""Tasks that span the apps (the project package knows every app)."""

from celery import shared_task

from common.files import media_orphans_sweep


@shared_task(acks_late=True)
def media_orphans_sweep_task() -> int:
    """Daily (beat): deletes uploaded files no row refers to (a rolled-back upload, a deleted row's photo)
    once they are older than the grace period; idempotent."""
    return media_orphans_sweep()
