import sys
import threading

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Servers that import the project's ASGI/WSGI application: their processes answer searches.
WEB_SERVERS = ("uvicorn", "gunicorn", "daphne", "hypercorn")


def is_web_process() -> bool:
    """A process that serves pages (not migrate, a Celery worker or the test runner)."""
    return any(name in sys.modules for name in WEB_SERVERS) or sys.argv[1:2] == ["runserver"]


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from catalog import page_parts
        from catalog.receivers import connect

        connect()
        page_parts.connect()  # the products of the shopfront (shops)
        if is_web_process():
            # jieba's dictionary takes about a second to load: load it while the server starts, not
            # during the first search (it was 1.8 s). A thread, so the server is up meanwhile.
            from catalog.search import jieba_warm_up

            threading.Thread(target=jieba_warm_up, name="jieba-warm-up", daemon=True).start()
