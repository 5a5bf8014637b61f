"""A real Celery worker on Redis, killed with SIGKILL in the middle of a payout batch and restarted:
every shop is paid exactly once (acks_late + reject_on_worker_lost + the provider's idempotency keys)."""

import os
import signal

import pytest
from django.db.models import Count, Sum

from conftest import RUN_ID, celery_worker_start, wait_until
from payments.models import LedgerAccount, LedgerEntry, Payout, SandboxTransfer
from payments.services.payouts import payout_batch_approve, payout_batch_run
from payments.tests.money import assert_every_transaction_balances, confirmed_sale
from tests.factories import ShopFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

QUEUE = f"test-payouts-{RUN_ID}"


def test_worker_killed_mid_batch_pays_every_shop_exactly_once(tmp_path, settings):
    from marketplace.celery import app

    shops = [ShopFactory() for _ in range(6)]
    for i, shop in enumerate(shops):
        confirmed_sale(shop, f"{100 + i}.00", "5.00")
    batch, _ = payout_batch_run()
    operator = shops[0].owner

    app.conf.task_always_eager = False
    app.conf.task_default_queue = QUEUE
    app.conf.broker_transport_options = {"visibility_timeout": 4}
    worker = celery_worker_start(tmp_path / "worker-1.log", queue=QUEUE, env={"SANDBOX_PAYOUT_DELAY_MS": "1200"})
    try:
        payout_batch_approve(batch_id=batch.pk, actor=operator)  # enqueues on commit (no outer transaction)
        wait_until(lambda: Payout.objects.filter(status="paid").count() >= 2, 60, "two payouts paid")
        wait_until(lambda: Payout.objects.filter(status="processing").exists(), 10, "a payout in the middle")
        os.killpg(worker.pid, signal.SIGKILL)  # between the bank's booking and our commit, or just before it
        worker.wait(10)
        paid_at_kill = Payout.objects.filter(status="paid").count()
        assert paid_at_kill < len(shops)

        worker = celery_worker_start(tmp_path / "worker-2.log", queue=QUEUE, env={"SANDBOX_PAYOUT_DELAY_MS": "1200"})
        wait_until(lambda: Payout.objects.filter(status="paid").count() == len(shops), 90, "every payout paid")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(10)
        app.conf.task_always_eager = True

    transfers = dict(SandboxTransfer.objects.values_list("shop_id").annotate(n=Count("id")).values_list("shop_id", "n"))
    assert transfers == {shop.pk: 1 for shop in shops}
    for payout in Payout.objects.all():
        paid_out = LedgerEntry.objects.filter(
            account__shop_id=payout.shop_id, account__kind=LedgerAccount.Kind.SHOP_PAID_OUT
        ).aggregate(s=Sum("amount_fen"))["s"]
        transferred = SandboxTransfer.objects.get(shop_id=payout.shop_id).amount_fen
        assert paid_out == payout.amount_fen == transferred
    assert_every_transaction_balances()
