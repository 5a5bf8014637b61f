"""Issue 17 item 1, the rest of its class: every `on_commit(... .delay())` goes through
common.tasks.enqueue_on_commit, so a broker that is down after the commit costs the user nothing, and
what must happen has a state and a sweep that does it later (thumbnails, payouts)."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import ProductImage
from catalog.services import product_image_thumbnails_sweep
from payments.models import Payout
from payments.services.payouts import payout_batch_approve, payout_batch_run, payouts_enqueue
from payments.tests.money import confirmed_sale
from tests.broker import broker_unreachable
from tests.factories import ShopFactory, make_product, upload

pytestmark = pytest.mark.django_db


def test_a_photo_uploaded_while_the_broker_is_down_gets_its_thumbnail_from_the_sweep(
    django_capture_on_commit_callbacks,
):
    shop = ShopFactory()
    product = make_product(shop=shop)
    seller = APIClient()
    seller.force_authenticate(shop.owner)

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        answer = seller.post(f"/api/v1/seller/products/{product.id}/images/", {"image": upload()}, format="multipart")

    assert answer.status_code == 201, answer.content
    image = ProductImage.objects.get()
    assert not image.thumbnail
    assert product_image_thumbnails_sweep() == 0  # young: its own task may still come
    ProductImage.objects.filter(pk=image.pk).update(created_at=timezone.now() - timezone.timedelta(minutes=6))

    assert product_image_thumbnails_sweep() == 1

    image.refresh_from_db()
    assert image.thumbnail


def test_approving_payouts_while_the_broker_is_down_does_not_fail_and_the_reconciler_pays(
    django_capture_on_commit_callbacks,
):
    from tests.factories import UserFactory

    confirmed_sale(ShopFactory(), "100.00")
    batch, _created = payout_batch_run()

    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        payout_batch_approve(batch_id=batch.pk, actor=UserFactory(is_staff=True))

    assert Payout.objects.get().status == Payout.Status.APPROVED
    assert payouts_enqueue() == 1  # the reconciler's sweep (payouts_reconcile_task)
    assert Payout.objects.get().status == Payout.Status.PAID
