from celery import shared_task

from catalog.facets import browse_cube, facet_counts_refresh, popular_facets_warm
from catalog.services import product_image_thumbnail_make, product_image_thumbnails_sweep
from catalog.suggest import popular_queries_flush, search_terms_rebuild


# autoretry_for: Celery's retry_backoff applies only to it (self.retry() waited a flat 180 s instead).
@shared_task(autoretry_for=(OSError,), max_retries=5, retry_backoff=True, retry_backoff_max=300, acks_late=True)
def product_image_thumbnail_task(image_id: int) -> None:
    """Retried with back-off on a storage hiccup (OSError)."""
    product_image_thumbnail_make(image_id=image_id)


@shared_task(acks_late=True)
def product_image_thumbnails_sweep_task() -> int:
    """Every ten minutes (beat): photos whose thumbnail task was lost get it queued again."""
    return product_image_thumbnails_sweep()


@shared_task(acks_late=True)
def search_terms_rebuild_task() -> int:
    """Hourly (beat): the search box's suggestion terms from the titles on sale and the categories."""
    return search_terms_rebuild()


@shared_task(acks_late=True)
def popular_queries_flush_task() -> int:
    """Every five minutes (beat): the searches counted in Redis go into the suggestion terms in bulk."""
    return popular_queries_flush()


@shared_task(acks_late=True)
def browse_facets_refresh_task() -> int:
    """Every ten minutes (beat): the whole catalogue's facet counts (browsing without a query) and the most
    searched queries' recounted, so no visitor waits for them."""
    return len(browse_cube(refresh=True)) + popular_facets_warm()


@shared_task(acks_late=True)
def facet_counts_refresh_task(filters: dict) -> None:
    """One query's facet counts, past their time but still shown, counted again (catalog.facets)."""
    facet_counts_refresh(filters=filters)
