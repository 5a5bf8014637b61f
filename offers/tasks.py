from celery import shared_task

from offers.services import offers_expire_overdue


@shared_task(acks_late=True)
def offers_expire_overdue_task() -> int:
    return offers_expire_overdue()
