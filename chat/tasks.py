from celery import shared_task

from chat.services import offline_notices_send_due


@shared_task(acks_late=True)
def chat_offline_notices_task() -> dict[str, int]:
    """Every minute (beat): e-mails the recipients of unread bursts that are due; idempotent."""
    return offline_notices_send_due()
