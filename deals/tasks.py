from __future__ import annotations

from celery import shared_task

from deals.broadcast import deal_push


@shared_task(ignore_result=True)
def deal_status_push_task(deal_id: int) -> None:
    """Queued for the deal's start and end (eta): the room gets the new status on the server's clock.
    Idempotent: it pushes the deal as it is when it runs (the status comes from the clock, not a column)."""
    deal_push(deal_id)


@shared_task(ignore_result=True)
def deal_claims_release_sweep_task() -> int:
    """Beat: cancelled claims whose event never reached deals (a lost signal) go back to their deal."""
    from deals.services import deal_claims_release_sweep

    return deal_claims_release_sweep()
