from smtplib import SMTPException

from celery import shared_task

from notifications.services import notification_email_send, notify


@shared_task(bind=True, acks_late=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def notify_task(self, **kwargs) -> None:
    notify(**kwargs)


@shared_task(bind=True, acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=3600)
def notification_email_task(self, notification_id: int) -> None:
    """Retried with backoff when the mail server fails; the action that caused it already committed."""
    try:
        notification_email_send(notification_id=notification_id)
    except (SMTPException, OSError) as exc:
        raise self.retry(exc=exc) from exc


@shared_task(bind=True, acks_late=True, max_retries=5, retry_backoff=True, retry_backoff_max=600)
def order_events_notify_task(self, event_ids: list[int]) -> int:
    from notifications.orders import order_events_notify

    return order_events_notify(event_ids=event_ids)


@shared_task(acks_late=True)
def orders_auto_confirm_reminders_task() -> int:
    from notifications.orders import orders_auto_confirm_reminders

    return orders_auto_confirm_reminders()
