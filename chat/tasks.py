from celery import shared_task

from chat.services import offline_notice_send


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600, acks_late=True)
def chat_offline_notify_task(self, conversation_id: int, recipient_role: str, first_message_id: int) -> str:
    """E-mails a recipient whose messages stayed unread; idempotent (one OfflineNotice per burst)."""
    try:
        result = offline_notice_send(conversation_id=conversation_id, recipient_role=recipient_role,
                                     first_message_id=first_message_id)
    except OSError as exc:  # SMTP or network trouble: try again later
        raise self.retry(exc=exc) from exc
    if result.startswith("wait:") and not self.request.is_eager:
        self.apply_async(args=[conversation_id, recipient_role, first_message_id],
                         countdown=int(result.split(":", 1)[1]))
    return result
