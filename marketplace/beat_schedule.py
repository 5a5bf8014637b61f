"""Celery beat's schedule: every periodic sweep and batch of the apps (the embedded default runs the same
entries lazily on requests, marketplace/embedded_beat.py)."""

from __future__ import annotations

from celery.schedules import crontab


def beat_schedule(*, payout_batch_hour: int) -> dict:
    return {
        # orders: unpaid orders past ORDER_PAYMENT_DEADLINE, auto-confirm, unanswered refund requests.
        "orders-cancel-overdue": {"task": "orders.tasks.orders_cancel_overdue_task", "schedule": 60.0},
        "orders-auto-confirm": {"task": "orders.tasks.orders_auto_confirm_task", "schedule": 300.0},
        "orders-refund-requests-escalate": {"task": "orders.tasks.refund_requests_escalate_task", "schedule": 600.0},
        "offers-expire": {"task": "offers.tasks.offers_expire_overdue_task", "schedule": 60.0},
        # deals: a cancelled claim whose event was lost (the process stopped after the commit) goes back.
        "deals-claims-release-sweep": {"task": "deals.tasks.deal_claims_release_sweep_task", "schedule": 120.0},
        "orders-ratings-rebuild": {"task": "orders.tasks.ratings_rebuild_task", "schedule": crontab(hour=3, minute=30)},
        # payments: settle pending money past the hold, the daily payout batch, re-queue stuck payouts.
        "payments-settle": {"task": "payments.tasks.ledger_settle_task", "schedule": 3600.0},
        "payments-payout-batch": {
            "task": "payments.tasks.payout_batch_run_task",
            "schedule": crontab(hour=payout_batch_hour, minute=0),
        },
        "payments-payouts-reconcile": {"task": "payments.tasks.payouts_reconcile_task", "schedule": 300.0},
        # refunds never sent (a lost enqueue) or never confirmed are sent again; hopeless ones are marked failed.
        "payments-refunds-sweep": {"task": "payments.tasks.refunds_sweep_task", "schedule": 120.0},
        # the owner hears of every change to the payout bank account, even when the first enqueue was lost.
        "payments-payout-account-notices": {
            "task": "payments.tasks.payout_account_notices_sweep_task",
            "schedule": 600.0,
        },
        # catalog: photos whose thumbnail task was lost (the broker was down) get it queued again.
        "catalog-thumbnails-sweep": {"task": "catalog.tasks.product_image_thumbnails_sweep_task", "schedule": 600.0},
        # catalog: the search box's suggestions (titles' words, categories) and the popular queries counted.
        "catalog-search-terms-rebuild": {"task": "catalog.tasks.search_terms_rebuild_task", "schedule": 3600.0},
        "catalog-popular-queries-flush": {"task": "catalog.tasks.popular_queries_flush_task", "schedule": 300.0},
        "catalog-browse-facets-refresh": {"task": "catalog.tasks.browse_facets_refresh_task", "schedule": 600.0},
        # chat: the e-mail for messages left unread CHAT_OFFLINE_NOTIFY_MINUTES (a sweep, not a task per message).
        "chat-offline-notices": {"task": "chat.tasks.chat_offline_notices_task", "schedule": 60.0},
        # files: uploads no row refers to any more (rolled back, or their row deleted), past a grace period.
        "media-orphans-sweep": {
            "task": "marketplace.tasks.media_orphans_sweep_task",
            "schedule": crontab(hour=4, minute=40),
        },
        # accounts: expired sessions leave the table (what `manage.py clearsessions` does).
        "accounts-sessions-clear-expired": {
            "task": "accounts.tasks.sessions_clear_expired_task",
            "schedule": crontab(hour=4, minute=10),
        },
        # notifications: placed/paid/shipped… orders' notifications, batched off the checkout (notifications.outbox).
        "notifications-order-events-outbox": {
            "task": "notifications.tasks.order_events_outbox_drain_task",
            "schedule": 1.0,
        },
        # notifications: buyers hear 24 hours before receipt is confirmed for them.
        "notifications-auto-confirm-reminders": {
            "task": "notifications.tasks.orders_auto_confirm_reminders_task",
            "schedule": 900.0,
        },
    }
