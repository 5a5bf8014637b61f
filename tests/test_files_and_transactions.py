"""No uploaded file is written or deleted inside a database transaction (product photos and their
thumbnails, chat photos, review photos): written before the transaction that records it and removed if
that fails, deleted after the commit that drops its row; leftovers are swept by a daily task."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import ClassVar

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

from catalog.models import Product
from catalog.services import product_create, product_delete, product_image_add, product_image_delete
from chat.services import conversation_start, message_send
from common.images import InvalidImage
from orders.services.reviews import review_create
from orders.tests.helpers import placed_paid
from orders.tests.reviews.helpers import REVIEW, completed
from shops.errors import ShopAlreadyExists
from shops.services import shop_create, shop_update
from tests.factories import UserFactory, image_bytes, leaf_category, make_product, upload


class RecordingStorage(FileSystemStorage):
    """The project's file storage, noting whether a transaction was open at each write and delete."""

    events: ClassVar[list[tuple[str, str, bool]]] = []

    def _save(self, name, content):
        RecordingStorage.events.append(("write", name, connection.in_atomic_block))
        return super()._save(name, content)

    def delete(self, name):
        RecordingStorage.events.append(("delete", name, connection.in_atomic_block))
        return super().delete(name)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A media folder of this test's own, on the recording storage."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.RecordingStorage"}}
    RecordingStorage.events = []
    return settings.MEDIA_ROOT


def _files(media: Path, folder: str = "") -> list[str]:
    root = media / folder
    return sorted(str(p.relative_to(media)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db(transaction=True)
def test_no_photo_is_written_or_deleted_inside_a_transaction(media):
    # product photos (with the product, and one more), their thumbnails (a task after commit)
    product = make_product(photos=[upload()])
    extra = product_image_add(product=product, upload=upload())
    # a chat photo
    conversation, _ = conversation_start(buyer=UserFactory(), shop=product.shop)
    message_send(user=conversation.buyer, conversation=conversation, image=upload())
    # review photos
    order = completed(UserFactory(), product.skus.get())
    review_create(order_id=order.pk, buyer=order.buyer, line_id=order.lines.get().pk, photos=[upload()], **REVIEW)
    # deletes: a photo, and a product nobody ordered
    product_image_delete(image=extra)
    unordered = make_product(shop=product.shop, photos=[upload()])
    product_delete(product=unordered)
    # a shop's logo, then a new one (the old file goes)
    shop = shop_create(owner=UserFactory(), name="石板村腊肉", province="湖南", city="湘西", logo=upload())
    old_logo = shop.logo.name
    shop_update(shop=shop, logo=upload())
    assert not (media / old_logo).exists() and (media / shop.logo.name).exists()

    writes = [e for e in RecordingStorage.events if e[0] == "write"]
    deletes = [e for e in RecordingStorage.events if e[0] == "delete"]
    assert len(writes) >= 11 and len(deletes) >= 5  # 3 photos, 3 thumbnails, chat, review + thumbnail, 2 logos
    assert [e for e in RecordingStorage.events if e[2]] == [], "file work inside an open transaction"


@pytest.mark.django_db
def test_deleting_an_ordered_product_keeps_its_photos(media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product = make_product(photos=[upload()])
    placed_paid(UserFactory(), product.skus.get())
    photo = product.images.get()
    assert photo.thumbnail  # made after commit
    files_before = _files(media, "products")

    with django_capture_on_commit_callbacks(execute=True):
        product_delete(product=product)

    product.refresh_from_db()
    assert product.status == Product.Status.DELISTED  # kept for the order
    assert _files(media, "products") == files_before == sorted([photo.image.name, photo.thumbnail.name])


@pytest.mark.django_db
def test_deleting_a_product_removes_its_photos_only_once_that_commits(media, django_capture_on_commit_callbacks):
    product = make_product(photos=[upload()])
    name = product.images.get().image.name

    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        product_delete(product=product)
        assert (media / name).exists()  # still there while the transaction could roll back

    for callback in on_commit:
        callback()
    assert not (media / name).exists()
    assert not Product.objects.filter(pk=product.pk).exists()


@pytest.mark.django_db
def test_a_failed_product_create_leaves_no_file(media):
    # the second photo is not an image: the product and the first photo's file both go
    with pytest.raises(InvalidImage):
        product_create(
            shop=make_product().shop,
            title="湘西腌萝卜",
            category=leaf_category(),
            skus=[{"name": "500 g", "price": "28.00", "stock": 5}],
            photos=[upload(), upload("b.jpg", b"not an image")],
        )
    # and a product refused after its photos were stored (no SKUs)
    with pytest.raises(Exception):  # noqa: B017 - the validation error's type is not the point
        product_create(shop=make_product().shop, title="x", category=leaf_category(), skus=[], photos=[upload()])

    assert _files(media, "products") == []


@pytest.mark.django_db
def test_a_refused_shop_leaves_no_logo(media):
    owner = UserFactory()
    shop_create(owner=owner, name="第一家", province="湖南", city="湘西")

    with pytest.raises(ShopAlreadyExists):
        shop_create(owner=owner, name="第二家", province="湖南", city="湘西", logo=upload(), banner=upload())

    assert _files(media, "shops") == []


@pytest.mark.django_db
def test_a_refused_review_leaves_no_photo(media):
    order = placed_paid(UserFactory(), make_product().skus.get())  # paid, not received: no review yet

    with pytest.raises(Exception):  # noqa: B017
        review_create(order_id=order.pk, buyer=order.buyer, line_id=order.lines.get().pk, photos=[upload()], **REVIEW)

    assert _files(media, "reviews") == []


@pytest.mark.django_db
def test_the_orphan_sweep_removes_old_unreferenced_files_and_keeps_the_rest(media, django_capture_on_commit_callbacks):
    from marketplace.tasks import media_orphans_sweep_task

    with django_capture_on_commit_callbacks(execute=True):
        product = make_product(photos=[upload()])
    photo = product.images.get()
    conversation, _ = conversation_start(buyer=UserFactory(), shop=product.shop)
    message = message_send(user=conversation.buyer, conversation=conversation, image=upload())
    old_orphans = [
        default_storage.save("products/2026/01/left-by-a-rollback.jpg", ContentFile(image_bytes())),
        default_storage.save("products/thumbs/2026/01/of-a-deleted-photo.jpg", ContentFile(image_bytes())),
        default_storage.save("chat/2026/01/of-a-deleted-message.jpg", ContentFile(image_bytes())),
    ]
    new_orphan = default_storage.save("reviews/2026/12/being-recorded-now.jpg", ContentFile(image_bytes()))
    a_day_ago = time.time() - 24 * 3600
    for name in [*old_orphans, photo.image.name, photo.thumbnail.name, message.image.name]:
        os.utime(media / name, (a_day_ago, a_day_ago))

    assert media_orphans_sweep_task.apply().get() == 3
    assert media_orphans_sweep_task.apply().get() == 0  # idempotent

    assert _files(media) == sorted([photo.image.name, photo.thumbnail.name, message.image.name, new_orphan])
