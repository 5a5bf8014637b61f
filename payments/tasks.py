from celery import shared_task

from payments.services import refund_submit


@shared_task(bind=True, max_retries=8, retry_backoff=True, retry_backoff_max=600, acks_late=True)
def refund_submit_task(self, refund_id: int) -> None:
    try:
        refund_submit(refund_id=refund_id)
    except OSError as exc:  # the provider is unreachable: try again later
        raise self.retry(exc=exc) from exc
