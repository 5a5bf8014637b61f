from celery import shared_task
from django.contrib.sessions.backends.base import SessionBase
from django.utils.module_loading import import_string


@shared_task(acks_late=True)
def sessions_clear_expired_task() -> None:
    """Daily (beat): deletes expired sessions, as `manage.py clearsessions` does; idempotent."""
    from django.conf import settings

    engine: type[SessionBase] = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    engine.clear_expired()
