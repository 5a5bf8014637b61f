"""Issue 17 item 2: the embedded default (no REDIS_URL: eager Celery, no beat process) runs the beat's
sweeps lazily on requests, so "cancelled after 30 minutes" and "confirmed after 10 days" hold in
`make run` too."""

import subprocess
import sys
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.embedded_beat import EmbeddedBeat
from marketplace.tests.test_settings import BASE_DIR, _bare_env
from orders.models import Order
from orders.tests.helpers import place, placed_shipped
from tests.embedded_sqlite import sqlite_prepared
from tests.factories import SkuFactory, UserFactory


@pytest.mark.django_db
def test_a_request_runs_the_due_sweeps_when_there_is_no_beat_process(settings, client, monkeypatch):
    settings.EMBEDDED_BEAT = True
    monkeypatch.setattr("marketplace.embedded_beat.beat", EmbeddedBeat())
    sku = SkuFactory(stock=5, price=Decimal("28.00"))
    unpaid = place(UserFactory(), {sku: 2}, now=timezone.now() - timedelta(minutes=31))[0]
    shipped = placed_shipped(UserFactory(), sku, now=timezone.now() - timedelta(days=11))

    assert client.get("/").status_code == 200

    unpaid.refresh_from_db(), shipped.refresh_from_db(), sku.refresh_from_db()
    assert unpaid.status == Order.Status.CANCELLED and sku.stock == 4  # 2 released, 1 sold
    assert shipped.status == Order.Status.COMPLETED


@pytest.mark.django_db
def test_interval_entries_run_at_start_then_when_due_and_crontab_entries_at_their_time():
    beat = EmbeddedBeat()
    started = timezone.now()
    first = set(beat.tick(now=started))
    assert "orders-cancel-overdue" in first and "payments-payout-batch" not in first
    assert beat.tick(now=started) == []  # nothing is due again at once
    assert "orders-cancel-overdue" in beat.due(started + timedelta(seconds=61))


SCRIPT = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from catalog.models import Sku
from orders.models import Order
from orders.services.checkout import checkout_place
from orders.services.lifecycle import order_ship
from payments.models import Payment
from payments.services import payment_sandbox_approve

ADDRESS = {"name": "王小明", "phone": "13800000000", "province": "湖北", "city": "武汉", "line": "珞喻路 100 号"}
buyer = User.objects.get(username="buyer")
sku = Sku.objects.filter(stock__gte=5, is_active=True, product__visible=True).exclude(
    product__shop__members__user=buyer).order_by("id").first()
def buy(now):
    items = [{"sku": sku.pk, "quantity": 1}]
    return checkout_place(buyer=buyer, address=ADDRESS, items=items, now=now).orders[0]
unpaid = buy(timezone.now() - timedelta(minutes=31))
shipped = buy(timezone.now())
payment_sandbox_approve(payment=Payment.objects.get(pk=shipped.payment_id))
order_ship(order_id=shipped.pk, actor=shipped.shop.owner, carrier="SF", tracking_number="SF1234567",
           now=timezone.now() - timedelta(days=11))
print("ORDERS", unpaid.number, shipped.number)
"""


@pytest.mark.slow
def test_the_bare_default_cancels_and_confirms_on_time(tmp_path):
    """`make run` with no configuration: SQLite, eager Celery, no beat process."""
    env = _bare_env(tmp_path)
    sqlite_prepared(tmp_path, seeded=True)  # migrate and seed_demo on a fresh SQLite file (once per machine)
    made = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    unpaid, shipped = made.stdout.split("ORDERS")[1].split()

    from conftest import AsgiServer

    server = AsgiServer(env, tmp_path / "uvicorn.log").start()
    try:
        with urllib.request.urlopen(server.url + "/", timeout=30) as response:
            assert response.status == 200
    finally:
        server.stop()

    check = (
        "from orders.models import Order; "
        f"print('STATES', *(Order.objects.get(number=n).status for n in ['{unpaid}', '{shipped}']))"
    )
    states = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", check], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert states.stdout.split("STATES")[1].split() == ["cancelled", "completed"], states.stderr
