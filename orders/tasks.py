"""Beat tasks: each sweeps the due rows and calls a service per id; a second run finds nothing to do."""

from celery import shared_task

from orders.services.lifecycle import orders_auto_confirm_due, orders_cancel_overdue
from orders.services.refunds import refund_requests_escalate_overdue


@shared_task(acks_late=True)
def orders_cancel_overdue_task() -> int:
    return orders_cancel_overdue()


@shared_task(acks_late=True)
def orders_auto_confirm_task() -> int:
    return orders_auto_confirm_due()


@shared_task(acks_late=True)
def refund_requests_escalate_task() -> int:
    return refund_requests_escalate_overdue()


@shared_task(acks_late=True)
def ratings_rebuild_task() -> int:
    """Daily: shop scores cover the last 180 days, so old reviews must age out even without new ones."""
    from orders.services.reviews.ratings import ratings_rebuild

    return ratings_rebuild().shops
