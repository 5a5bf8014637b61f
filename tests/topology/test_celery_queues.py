"""Celery's task routes: money, messages and media each on their own queue (the Procfile runs a worker
per queue), so a burst of thumbnails or e-mails never waits in front of a payout or a refund."""

import pytest

from marketplace.celery import app

ROUTES = {
    "payments.tasks.refund_submit_task": "payouts",
    "payments.tasks.payout_pay_task": "payouts",
    "payments.tasks.payout_batch_run_task": "payouts",
    "notifications.tasks.notification_email_task": "notifications",
    "notifications.tasks.notify_task": "notifications",
    "chat.tasks.chat_offline_notices_task": "notifications",
    "live.tasks.show_followers_notify_task": "notifications",
    "catalog.tasks.product_image_thumbnail_task": "media",
    "catalog.tasks.product_image_thumbnails_sweep_task": "media",
    # Search's counts are refreshed while a page shows the old ones: never behind a burst of thumbnails.
    "catalog.tasks.facet_counts_refresh_task": "celery",
    "catalog.tasks.browse_facets_refresh_task": "celery",
    "catalog.tasks.search_terms_rebuild_task": "celery",
    "live.tasks.replay_make_task": "media",
    "marketplace.tasks.media_orphans_sweep_task": "media",
    "orders.tasks.orders_cancel_overdue_task": "celery",
}


@pytest.mark.parametrize(("task", "queue"), sorted(ROUTES.items()))
def test_each_task_goes_to_its_queue(task, queue, monkeypatch):
    monkeypatch.setitem(app.conf, "task_default_queue", "celery")  # as configured (a test's worker changes it)
    app.loader.import_default_modules()
    assert task in app.tasks
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_queue_has_a_worker_in_the_procfile():
    from pathlib import Path

    procfile = (Path(__file__).resolve().parents[2] / "Procfile").read_text()
    for queue in set(ROUTES.values()):
        assert f"-Q {queue}" in procfile, queue


def test_a_worker_of_one_queue_gets_every_task(monkeypatch):
    """CELERY_QUEUE=name (or a test's worker changing the default queue) puts routed tasks there too."""
    monkeypatch.setitem(app.conf, "task_default_queue", "only-this-one")
    for task in ROUTES:
        assert app.amqp.router.route({}, task)["queue"].name == "only-this-one"
