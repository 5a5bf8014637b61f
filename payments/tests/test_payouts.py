import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.errors import InvalidState
from payments.models import Payout, PayoutBatch, SandboxTransfer
from payments.selectors import shop_balances
from payments.services.payouts import (
    ledger_settle_due,
    payout_batch_approve,
    payout_batch_csv,
    payout_batch_run,
    payout_pay,
)
from payments.tests.money import assert_every_transaction_balances, confirmed_sale
from tests.embedded_sqlite import sqlite_prepared
from tests.factories import ShopFactory

pytestmark = pytest.mark.django_db

D = Decimal
BASE_DIR = Path(__file__).resolve().parents[2]


def test_a_batch_pays_each_shop_its_available_balance_once(operator, django_capture_on_commit_callbacks):
    farm, workshop, tiny = ShopFactory(), ShopFactory(), ShopFactory()
    confirmed_sale(farm, "100.00", "5.00")
    confirmed_sale(farm, "28.00", "1.40")
    confirmed_sale(workshop, "1299.00", "64.95")
    confirmed_sale(tiny, "9.00", "0.00")  # under PAYOUT_MINIMUM (10.00): waits
    assert shop_balances(shop_id=farm.pk)["pending"] == D("121.60")

    batch, created = payout_batch_run()
    assert created and batch.status == PayoutBatch.Status.AWAITING_APPROVAL
    amounts = dict(Payout.objects.values_list("shop_id", "amount_fen"))
    assert amounts == {farm.pk: 12160, workshop.pk: 123405}
    assert shop_balances(shop_id=farm.pk) == {
        "in_escrow": D("0"),
        "pending": D("0"),
        "available": D("0"),
        "in_transit": D("121.60"),
        "paid_out": D("0"),
    }
    assert shop_balances(shop_id=tiny.pk)["available"] == D("9.00")

    # a second run for the same period creates nothing
    again, created = payout_batch_run()
    assert not created and again.pk == batch.pk and Payout.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_approve(batch_id=batch.pk, actor=operator)  # eager Celery runs the pay tasks
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.PAID}
    assert shop_balances(shop_id=farm.pk)["paid_out"] == D("121.60")
    assert shop_balances(shop_id=farm.pk)["in_transit"] == D("0")
    batch.refresh_from_db()
    assert batch.status == PayoutBatch.Status.COMPLETED
    assert SandboxTransfer.objects.count() == 2
    # paying again changes nothing
    assert payout_pay(payout_id=Payout.objects.first().pk) == Payout.Status.PAID
    assert SandboxTransfer.objects.count() == 2
    with pytest.raises(InvalidState):
        payout_batch_approve(batch_id=batch.pk, actor=operator)
    assert_every_transaction_balances()


def test_a_batch_aggregates_the_pending_ledger_once():
    # given: confirmed sales in three shops, one of them twice
    shops = [ShopFactory(), ShopFactory(), ShopFactory()]
    for shop in shops:
        confirmed_sale(shop, "40.00", "2.00")
    confirmed_sale(shops[0], "12.00")

    # when
    with CaptureQueriesContext(connection) as queries:
        payout_batch_run()

    # then: one GROUP BY over every pending entry (the batch's cost at scale), not one per statement
    pending_scans = [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"] and "shop_pending" in q["sql"]]
    assert len(pending_scans) == 1, pending_scans
    assert dict(Payout.objects.values_list("shop_id", "amount_fen")) == {
        shops[0].pk: 5000,
        shops[1].pk: 3800,
        shops[2].pk: 3800,
    }
    assert all(shop_balances(shop_id=shop.pk)["pending"] == D("0") for shop in shops)
    assert_every_transaction_balances()


SQLITE_BATCH = """
from django.core.management import call_command
from tests.factories import ShopFactory
from payments.tests.money import confirmed_sale
shop = ShopFactory()
confirmed_sale(shop, "128.00", "6.40")
call_command("run_payouts")
call_command("run_payouts")
from payments.tests.payout_parity import parity_check
parity_check()
print("fast path = ORM reference")
"""


@pytest.mark.slow
def test_the_batch_runs_on_the_demos_sqlite(tmp_path):
    # given: the bare environment of `make run` (no DATABASE_URL: an SQLite file in VAR_DIR)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env["VAR_DIR"] = str(tmp_path)

    def manage(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )

    sqlite_prepared(tmp_path)  # a migrated SQLite file (made once per machine)

    # when
    result = manage("shell", "-c", SQLITE_BATCH)

    # then
    assert result.returncode == 0, result.stderr[-3000:]
    assert "1 payout(s), 121.60 CNY" in result.stdout
    assert "nothing new" in result.stdout
    assert "fast path = ORM reference" in result.stdout  # payouts_fast_path's SQLite branches, checked


def test_a_refused_transfer_returns_the_money_with_the_reason(settings, operator, django_capture_on_commit_callbacks):
    shop = ShopFactory(slug="closed-account")
    settings.SANDBOX_PAYOUT_FAIL_SLUGS = ["closed-account"]
    confirmed_sale(shop, "50.00")
    batch, _ = payout_batch_run()
    with django_capture_on_commit_callbacks(execute=True):
        payout_batch_approve(batch_id=batch.pk, actor=operator)
    payout = Payout.objects.get()
    assert payout.status == Payout.Status.FAILED and "closed" in payout.failure_reason
    assert shop_balances(shop_id=shop.pk)["available"] == D("50.00")
    assert shop_balances(shop_id=shop.pk)["in_transit"] == D("0")
    assert_every_transaction_balances()


def test_hold_days_keep_recent_money_pending(settings):
    settings.PAYOUT_HOLD_DAYS = 3
    shop = ShopFactory()
    confirmed_sale(shop, "80.00")
    assert ledger_settle_due() == 0
    assert shop_balances(shop_id=shop.pk)["pending"] == D("80.00")
    assert ledger_settle_due(now=timezone.now() + timedelta(days=3, minutes=1)) == 1
    assert shop_balances(shop_id=shop.pk)["available"] == D("80.00")
    assert ledger_settle_due(now=timezone.now() + timedelta(days=4)) == 0  # nothing settles twice
    assert_every_transaction_balances()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_settlements_at_once_move_the_money_once():
    # given: a shop that was settled before (its available account exists) and has new pending money
    shop = ShopFactory()
    confirmed_sale(shop, "10.00")
    ledger_settle_due()
    confirmed_sale(shop, "80.00")
    first_open = threading.Event()

    def first():
        try:
            with transaction.atomic():
                ledger_settle_due(run_key="settle:first:")
                first_open.set()
                time.sleep(1)  # the hourly settlement starts while this one (a payout batch) is open
        finally:
            first_open.set()
            connection.close()

    def second():
        first_open.wait(10)
        ledger_settle_due(run_key="settle:second:")
        connection.close()

    # when
    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # then
    assert shop_balances(shop_id=shop.pk)["pending"] == D("0")
    assert shop_balances(shop_id=shop.pk)["available"] == D("90.00")
    assert_every_transaction_balances()


def test_suspended_shops_wait():
    from shops.services import shop_suspend

    shop = ShopFactory()
    confirmed_sale(shop, "30.00")
    shop_suspend(shop_id=shop.pk, reason="dispute")
    payout_batch_run()
    assert not Payout.objects.exists()
    assert shop_balances(shop_id=shop.pk)["available"] == D("30.00")


def test_unapproved_payouts_cannot_be_paid():
    shop = ShopFactory()
    confirmed_sale(shop, "30.00")
    payout_batch_run()
    with pytest.raises(InvalidState):
        payout_pay(payout_id=Payout.objects.get().pk)
    assert not SandboxTransfer.objects.exists()


def test_run_payouts_command_and_bank_file(capsys):
    shop = ShopFactory(name="湖南老农家")
    confirmed_sale(shop, "128.00", "6.40")
    call_command("run_payouts")
    assert "1 payout(s), 121.60 CNY" in capsys.readouterr().out
    call_command("run_payouts")
    assert "nothing new" in capsys.readouterr().out
    csv_text = payout_batch_csv(batch=PayoutBatch.objects.get())
    assert "湖南老农家,121.60,CNY,awaiting_approval" in csv_text


def test_seller_money_api(api_client):
    shop = ShopFactory()
    reference = confirmed_sale(shop, "100.00", "5.00")
    payout_batch_run()
    assert api_client.get("/api/v1/seller/balance/").status_code == 401
    api_client.force_authenticate(shop.owner)
    assert api_client.get("/api/v1/seller/balance/").json() == {
        "in_escrow": "0.00",
        "pending": "0.00",
        "available": "0.00",
        "in_transit": "95.00",
        "paid_out": "0.00",
        "currency": "CNY",
    }
    payouts = api_client.get("/api/v1/seller/payouts/").json()["results"]
    assert payouts[0]["amount"] == "95.00" and payouts[0]["status"] == "awaiting_approval"
    lines = api_client.get("/api/v1/seller/statement/", {"from": "2000-01-01"}).json()["results"]
    assert {line["type"] for line in lines} >= {"payment_captured", "receipt_confirmed", "settlement", "payout_started"}
    # The order's number on its own money's lines; a settlement's or payout's ledger key is nobody's order number.
    references = {line["type"]: line["reference"] for line in lines}
    assert references["receipt_confirmed"] == reference
    assert references["settlement"] == references["payout_started"] == ""
    assert api_client.get("/api/v1/seller/statement/", {"from": "yesterday"}).status_code == 400
    assert api_client.get("/api/v1/seller/statement/", {"to": "1999-01-01"}).json()["count"] == 0


def test_money_page_and_csv(client):
    shop = ShopFactory()
    confirmed_sale(shop, "100.00", "5.00")
    client.force_login(shop.owner)
    page = client.get("/seller/money/")
    assert page.status_code == 200 and "¥95.00" in page.content.decode()
    csv_response = client.get("/seller/money/?format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "receipt_confirmed" in csv_response.content.decode("utf-8-sig")


def test_operator_approves_in_admin_and_downloads_the_bank_file(client, operator, django_capture_on_commit_callbacks):
    shop = ShopFactory()
    confirmed_sale(shop, "100.00")
    batch, _ = payout_batch_run()
    client.force_login(operator)
    assert client.get(f"/admin/payments/payoutbatch/{batch.pk}/bank-file.csv").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/payments/payoutbatch/", {"action": "approve_batches", "_selected_action": [batch.pk]})
    assert Payout.objects.get().status == Payout.Status.PAID
    from accounts.models import OperatorAction

    assert OperatorAction.objects.get().action == "payout_batch_approve"


def test_non_operators_cannot_approve(client):
    from tests.factories import UserFactory

    shop = ShopFactory()
    confirmed_sale(shop, "100.00")
    batch, _ = payout_batch_run()
    client.force_login(UserFactory(is_staff=True))
    client.post("/admin/payments/payoutbatch/", {"action": "approve_batches", "_selected_action": [batch.pk]})
    client.force_login(shop.owner)
    client.post("/admin/payments/payoutbatch/", {"action": "approve_batches", "_selected_action": [batch.pk]})
    assert Payout.objects.get().status == Payout.Status.AWAITING_APPROVAL
