from celery import shared_task

from catalog.services import product_image_thumbnail_make, product_image_thumbnails_sweep


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=300, acks_late=True)
def product_image_thumbnail_task(self, image_id: int) -> None:
    try:
        product_image_thumbnail_make(image_id=image_id)
    except OSError as exc:  # storage hiccup: try again later
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def product_image_thumbnails_sweep_task() -> int:
    """Every ten minutes (beat): photos whose thumbnail task was lost get it queued again."""
    return product_image_thumbnails_sweep()
