from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from payments.services import refund_submit
from payments.services.payouts import ledger_settle_due, payout_batch_run, payout_pay, payouts_enqueue
from payments.services.refunds import refunds_resubmit_stuck


# The retrying tasks here use autoretry_for: Celery applies retry_backoff only to it (a bare self.retry()
# waited a flat default_retry_delay of 180 s, whatever the back-off declared).
@shared_task(autoretry_for=(Exception,), max_retries=6, retry_backoff=True, retry_backoff_max=300, acks_late=True)
def refund_submit_task(refund_id: int) -> str:
    """Any failure but the provider's refusal (which refund_submit records as `failed`) is transient: the
    network, a timeout, the database. Retried with bounded backoff; after the last retry the refund is
    still pending and the sweep below submits it again."""
    return refund_submit(refund_id=refund_id)


@shared_task(acks_late=True)
def refunds_sweep_task() -> dict[str, int]:
    """Every two minutes (beat): re-submits refunds never sent or never confirmed, marks hopeless ones failed."""
    return refunds_resubmit_stuck()


@shared_task(
    autoretry_for=(OSError, OperationalError),
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=10,
    retry_backoff=True,
    retry_backoff_max=600,
)
def payout_pay_task(payout_id: int) -> str:
    """Exactly once even when the worker dies mid-way: the message is redelivered (acks_late) and
    payout_pay picks up where it was, with the provider's idempotency key."""
    return payout_pay(payout_id=payout_id)


@shared_task(acks_late=True)
def payout_batch_run_task() -> int | None:
    batch, created = payout_batch_run()
    return batch.pk if created else None


@shared_task(acks_late=True)
def ledger_settle_task() -> int:
    return ledger_settle_due()


@shared_task(acks_late=True)
def payouts_reconcile_task() -> int:
    """Re-queues payouts stuck in approved/processing (a lost message, a worker that died)."""
    return payouts_enqueue(older_than=timezone.now() - timedelta(minutes=5))


@shared_task(autoretry_for=(OSError,), acks_late=True, max_retries=8, retry_backoff=True, retry_backoff_max=600)
def payout_account_changed_email_task(account_id: int) -> bool:
    """The owner hears of every change to where payouts go (a change they did not make is an attack)."""
    from payments.services.payout_accounts import payout_account_change_email

    return payout_account_change_email(account_id=account_id)  # SMTP and connection errors: retried


@shared_task(acks_late=True)
def payout_account_notices_sweep_task() -> int:
    """Owners not yet told of a change to their payout account are told (a lost enqueue)."""
    from payments.services.payout_accounts import payout_account_notices_sweep

    return payout_account_notices_sweep()
