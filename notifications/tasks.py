"""Notification tasks. Each one is idempotent (a notification's key, an e-mail's claim), so its declared
retries really run: Celery retries them itself (autoretry_for) with exponential back-off, jittered,
capped at RETRY_BACKOFF_MAX seconds (marketplace.checks reads the cap from the tasks)."""

from smtplib import SMTPException

from celery import shared_task
from django.db import InterfaceError, OperationalError

from notifications.services import notification_email_send, notify

# The first retry waits up to RETRY_BACKOFF seconds, then 2×, 4×, … up to RETRY_BACKOFF_MAX.
RETRY_BACKOFF = 5
RETRY_BACKOFF_MAX = 600
# A mail server or database that is down for a while: 8 retries span about 25 minutes.
RETRY_ON = (SMTPException, OSError, OperationalError, InterfaceError)

_retries = {
    "autoretry_for": RETRY_ON,
    "max_retries": 8,
    "retry_backoff": RETRY_BACKOFF,
    "retry_backoff_max": RETRY_BACKOFF_MAX,
    "retry_jitter": True,
}


@shared_task(acks_late=True, **_retries)
def notify_task(**kwargs) -> None:
    """Creates the notification and pushes it to the person's open pages (once per key)."""
    notify(**kwargs)


@shared_task(acks_late=True, **_retries)
def notification_email_task(notification_id: int) -> None:
    """The e-mail, sent at most once (a claim); the action that caused it already committed."""
    notification_email_send(notification_id=notification_id)


@shared_task(acks_late=True, **_retries)
def order_events_notify_task(event_ids: list[int]) -> int:
    from notifications.orders import order_events_notify

    return order_events_notify(event_ids=event_ids)


@shared_task
def order_events_outbox_drain_task() -> int:
    """Beat: the order events waiting for their notifications go to order_events_notify_task in batches
    (notifications.outbox)."""
    from notifications.outbox import order_events_outbox_drain

    return order_events_outbox_drain()


@shared_task(acks_late=True)
def orders_auto_confirm_reminders_task() -> int:
    from notifications.orders import orders_auto_confirm_reminders

    return orders_auto_confirm_reminders()
