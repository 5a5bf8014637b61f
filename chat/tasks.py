from celery import shared_task

from chat.services import offline_notice_send, offline_notices_send_due


@shared_task(acks_late=True)
def chat_offline_notices_task() -> dict[str, int]:
    """Every minute (beat): e-mails the recipients of unread bursts that are due; idempotent."""
    return offline_notices_send_due()


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600, acks_late=True)
def chat_offline_notify_task(self, conversation_id: int, recipient_role: str, first_message_id: int) -> str:
    """One burst's notice. No longer scheduled per burst (the sweep above finds due bursts); kept so
    that tasks already queued with a countdown before the sweep existed still run. Idempotent."""
    try:
        result = offline_notice_send(
            conversation_id=conversation_id, recipient_role=recipient_role, first_message_id=first_message_id
        )
    except OSError as exc:  # SMTP or network trouble: try again later
        raise self.retry(exc=exc) from exc
    if result.startswith("wait:") and not self.request.is_eager:
        self.apply_async(
            args=[conversation_id, recipient_role, first_message_id], countdown=int(result.split(":", 1)[1])
        )
    return result
