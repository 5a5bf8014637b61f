"""Product photos: stored before the transaction that records them, deleted after commit; thumbnails."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, ProductImage
from common.errors import ValidationFailed
from common.files import FileWrites, file_delete_on_commit, files_written_first
from common.images import sanitize_image
from common.sweeps import overdue_enqueue
from common.tasks import enqueue_on_commit

MAX_IMAGES = 12


# --- photos -------------------------------------------------------------------------------------


def product_image_add(*, product: Product, upload) -> ProductImage:
    """Checks and re-encodes the photo, stores it, then records it (a failed record deletes the file);
    the thumbnail is made by a Celery task after commit."""
    if product.images.count() >= MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    with files_written_first() as files:
        images = _photos_write(files, [upload])
        _product_images_record(product=product, images=images)
    return images[0]


def _photos_write(files: FileWrites, uploads: Sequence[Any]) -> list[ProductImage]:
    """Checks and re-encodes every photo first (one bad photo: nothing is stored), then stores them.
    Called with no transaction open; the rows are made by _product_images_record."""
    if len(uploads) > MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    checked = [sanitize_image(upload) for upload in uploads]
    images = []
    for content, width, height in checked:
        image = ProductImage(width=width, height=height)
        files.write(image, "image", content)
        images.append(image)
    return images


@transaction.atomic
def _product_images_record(*, product: Product, images: Sequence[ProductImage]) -> None:
    if not images:
        return
    count = product.images.count()
    if count + len(images) > MAX_IMAGES:
        raise ValidationFailed(fields={"image": [_("At most %(n)d photos.") % {"n": MAX_IMAGES}]})
    from catalog.tasks import product_image_thumbnail_task

    for position, image in enumerate(images, start=count):
        image.product = product
        image.position = position
        image.save()
        enqueue_on_commit(product_image_thumbnail_task, image.id)  # a lost one: product_image_thumbnails_sweep


def product_image_thumbnail_make(*, image_id: int) -> None:
    """Idempotent: a photo that has its thumbnail is skipped. The thumbnail is stored before the
    conditional UPDATE that records it, and deleted again if another run recorded one first."""
    from common.images import make_thumbnail

    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None or image.thumbnail:
        return
    with image.image.open("rb") as f:
        thumb = make_thumbnail(f.read())
    with files_written_first() as files:
        name = files.write(image, "thumbnail", thumb)
        recorded = ProductImage.objects.filter(pk=image_id, thumbnail="").update(
            thumbnail=name, updated_at=timezone.now()
        )
    if not recorded:  # the photo is gone, or another run was first
        files.discard()


def product_image_thumbnails_sweep(*, older_than: timedelta = timedelta(minutes=5), limit: int = 200) -> int:
    """Queues the thumbnail of every photo still without one a while after upload (a lost enqueue, a
    worker that gave up). Idempotent: product_image_thumbnail_make skips a photo that has its thumbnail."""
    from catalog.tasks import product_image_thumbnail_task

    due = ProductImage.objects.filter(thumbnail="", created_at__lte=timezone.now() - older_than)
    return overdue_enqueue(due, product_image_thumbnail_task, order_by="created_at", limit=limit)


@transaction.atomic
def product_images_reorder(*, product: Product, image_ids: list[int]) -> None:
    existing = set(product.images.values_list("id", flat=True))
    if set(image_ids) != existing or len(image_ids) != len(existing):
        raise ValidationFailed(fields={"order": [_("List every photo of the product once.")]})
    for position, image_id in enumerate(image_ids):
        ProductImage.objects.filter(pk=image_id, product=product).update(position=position)


@transaction.atomic
def product_image_delete(*, image: ProductImage) -> None:
    """The row goes now; its files once that commits (the names as stored: a thumbnail may be newer
    than the caller's copy of the row)."""
    image = ProductImage.objects.filter(pk=image.pk).first()
    if image is None:
        return
    image.delete()
    file_delete_on_commit(image.image)
    file_delete_on_commit(image.thumbnail)
