"""Tips in a live room through the real API, payments and ledger (PostgreSQL, Redis channel layer)."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.utils import translation
from rest_framework.test import APIClient

from live.extensions import SHOW_PARTS
from live.services.shows import show_end, stream_publish
from live.tests.test_consumers import join_frames, room
from orders.services.lifecycle import order_confirm_receipt
from orders.tests.helpers import placed_paid, placed_shipped
from payments.errors import NotRefundable
from payments.models import LedgerAccount, Refund
from payments.providers.sandbox import SandboxProvider
from payments.selectors import ledger_balance
from payments.services import payment_notification_receive, payment_sandbox_approve
from payments.services.refunds import refund_create
from payments.tests.money import assert_every_transaction_balances
from tests.clients import client_for
from tests.factories import ShopFactory, UserFactory, make_show, sku_in_shop, staff_for
from tips.models import Tip
from tips.selectors import show_tip_stats

KIND = LedgerAccount.Kind


def live_show(shop=None):
    show = make_show(shop=shop or ShopFactory())
    return stream_publish(key=show.stream_key)


def repeat_buyer(**kwargs):
    """A buyer who has completed an order (receipt confirmed) in another shop."""
    buyer = UserFactory(**kwargs)
    order = placed_shipped(buyer, sku_in_shop(ShopFactory()))
    order_confirm_receipt(order_id=order.pk, actor=buyer)
    return buyer


def tip(user, show, amount, key: str | None = None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client_for(user).post(f"/api/v1/shows/{show.pk}/tips/", {"amount": amount}, format="json", **headers)


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def show(db):
    return live_show()


@pytest.fixture
def buyer(db):
    return repeat_buyer()


# --- sending ---------------------------------------------------------------------------------------------


def test_a_tip_answers_201_with_its_payment_in_the_checkouts_shape(show, buyer):
    response = tip(buyer, show, "5", key="t-1")

    assert response.status_code == 201, response.content
    body = response.json()
    tip_row = Tip.objects.get()
    assert body["id"] == tip_row.pk and body["amount"] == "5.00"
    assert body["payment"] == {
        "id": tip_row.payment_id,
        "amount": "5.00",
        "currency": "CNY",
        "status": "pending",
        "pay_url": f"/pay/sandbox/{tip_row.payment_id}/",
    }
    assert tip_row.status == Tip.Status.PENDING and tip_row.shop_id == show.shop_id
    payment = tip_row.payment
    assert [a.reference for a in payment.allocations.all()] == [f"TIP-{tip_row.pk}"]
    assert payment.expires_at is not None
    # the same key and body: the same answer, nothing new
    again = tip(buyer, show, "5", key="t-1")
    assert again.status_code == 201 and again.json() == body and Tip.objects.count() == 1


def test_a_first_time_buyer_is_refused(show):
    newcomer = UserFactory()
    only_paid = UserFactory()
    placed_paid(only_paid, sku_in_shop(ShopFactory()))  # paid but not received: not completed yet

    for user in (newcomer, only_paid):
        response = tip(user, show, 5)
        assert response.status_code == 403 and error_code(response) == "tip_needs_order"
    assert not Tip.objects.exists()


def test_anonymous_the_shows_seller_and_its_staff_cannot_tip_and_a_show_must_be_live(show, buyer):
    assert tip(None, show, 5).status_code == 401
    for member in (show.shop.owner, staff_for(show.shop)):
        response = tip(member, show, 5)
        assert response.status_code == 403 and error_code(response) == "tip_own_show"
    scheduled = make_show()
    response = tip(buyer, scheduled, 5)
    assert response.status_code == 409 and error_code(response) == "show_not_live"
    show_end(show_id=show.pk, drop_stream=False)
    response = tip(buyer, show, 5)
    assert response.status_code == 409 and error_code(response) == "show_not_live"
    assert client_for(buyer).post(f"/api/v1/shows/{2**62}/tips/", {"amount": 5}, format="json").status_code == 404
    assert not Tip.objects.exists()


# --- the caps ------------------------------------------------------------------------------------------


def test_each_cap_is_a_409_tip_limit(show, buyer, settings):
    settings.TIP_AMOUNTS = [Decimal(a) for a in ("1", "5", "10", "50", "100", "200")]
    settings.TIP_CAP_PER_DAY = Decimal("250")

    per_tip = tip(buyer, show, 200)
    assert per_tip.status_code == 409 and error_code(per_tip) == "tip_limit"

    assert tip(buyer, show, 100).status_code == 201
    assert tip(buyer, show, 100).status_code == 201
    per_show = tip(buyer, show, 1)
    assert per_show.status_code == 409 and error_code(per_show) == "tip_limit"

    other = live_show()
    assert tip(buyer, other, 50).status_code == 201  # 250 today
    per_day = tip(buyer, other, 1)
    assert per_day.status_code == 409 and error_code(per_day) == "tip_limit"
    assert sorted(Tip.objects.values_list("amount", flat=True)) == [50, 100, 100]


def test_a_pending_tip_counts_until_its_payment_deadline(show, buyer, settings):
    settings.TIP_CAP_PER_SHOW = Decimal("100")
    assert tip(buyer, show, 100).status_code == 201  # unpaid: still counts
    assert error_code(tip(buyer, show, 1)) == "tip_limit"
    Tip.objects.update(created_at=F("created_at") - timedelta(minutes=settings.TIP_PAYMENT_MINUTES + 1))
    assert tip(buyer, show, 1).status_code == 201  # the old one can no longer be paid


@pytest.mark.django_db(transaction=True)
def test_20_parallel_tips_never_pass_the_per_show_or_the_per_day_cap(settings):
    """Two shows, ¥50 each from 20 threads at once: ¥200 a show would let 8 through, ¥300 a day only 6."""
    settings.TIP_CAP_PER_DAY = Decimal("300")
    shows, buyer = [live_show(), live_show()], repeat_buyer()
    answers: list[tuple[int, int, str | None]] = []
    start = threading.Barrier(20)

    def send(n: int) -> None:
        try:
            start.wait()
            response = tip(buyer, shows[n % 2], 50, key=f"par-{n}")
            answers.append((n % 2, response.status_code, response.json().get("error", {}).get("code")))
        except Exception as exc:  # seen in the assertion below
            answers.append((n % 2, 0, repr(exc)))
        finally:
            connection.close()

    # An error answer first, in this thread: the suite's check of error answers loads the API schema once.
    assert tip(buyer, shows[0], 3).status_code == 400
    threads = [threading.Thread(target=send, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(1 for _show, code, _error in answers if code == 201) == 6, answers
    assert {(code, error) for _show, code, error in answers if code != 201} == {(409, "tip_limit")}
    for show in shows:
        assert sum(Tip.objects.filter(sender=buyer, show=show).values_list("amount", flat=True)) <= 200
    assert Tip.objects.filter(sender=buyer).count() == 6


# --- payment, ledger, refunds --------------------------------------------------------------------------


def test_a_paid_tips_money_reaches_available_once_with_the_commission_even_if_notified_twice(show, buyer, settings):
    settings.TIP_COMMISSION_RATE = Decimal("0.05")
    tip_row = Tip.objects.get(pk=tip(buyer, show, 50).json()["id"])
    payment = tip_row.payment
    revenue_before = ledger_balance(kind=KIND.PLATFORM_REVENUE)  # the repeat buyer's order paid its commission
    provider = SandboxProvider()
    body, headers = provider.notification_build(
        type="payment.succeeded", payment_id=payment.pk, amount=payment.amount, currency="CNY"
    )
    assert payment_notification_receive(provider_name="sandbox", body=body, headers=headers) is not None
    assert payment_notification_receive(provider_name="sandbox", body=body, headers=headers) is None  # the same event
    twin, twin_headers = provider.notification_build(
        type="payment.succeeded", payment_id=payment.pk, amount=payment.amount, currency="CNY"
    )
    client = APIClient()
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in twin_headers.items()}
    answer = client.generic("POST", "/api/v1/payments/notify/sandbox/", twin, "application/json", **meta)
    assert answer.status_code == 200  # another event for the same capture: recorded, nothing moves

    tip_row.refresh_from_db()
    assert tip_row.status == Tip.Status.PAID and tip_row.commission == Decimal("2.50") and tip_row.paid_at
    shop_id = show.shop_id
    assert ledger_balance(kind=KIND.SHOP_AVAILABLE, shop_id=shop_id) == Decimal("47.50")
    assert ledger_balance(kind=KIND.ESCROW, shop_id=shop_id) == Decimal("0.00")
    assert ledger_balance(kind=KIND.SHOP_PENDING, shop_id=shop_id) == Decimal("0.00")
    assert ledger_balance(kind=KIND.PLATFORM_REVENUE) - revenue_before == Decimal("2.50")
    assert_every_transaction_balances()
    with translation.override("en"):
        stats = show_tip_stats(show)
    assert stats == {
        "Tips": 1,
        "Tips received": "50.00",
        "Tips net to the shop": "47.50",
        "Tip commission": "2.50",
    }
    assert "tips" in SHOW_PARTS.stats(show)
    seller_stats = client_for(show.shop.owner).get(f"/api/v1/seller/shows/{show.pk}/stats/", HTTP_ACCEPT_LANGUAGE="en")
    assert seller_stats.json()["parts"]["tips"]["Tips net to the shop"] == "47.50"


def test_tips_are_never_refunded_through_the_refund_api(show, buyer):
    tip_row = Tip.objects.get(pk=tip(buyer, show, 10).json()["id"])
    payment_sandbox_approve(payment=tip_row.payment)

    with pytest.raises(NotRefundable):
        refund_create(payment_id=tip_row.payment_id, reference=tip_row.reference, amount=Decimal("10.00"))
    response = client_for(buyer).post(
        f"/api/v1/orders/{tip_row.reference}/refund-requests/", {"reason": "不想要了"}, format="json"
    )
    assert response.status_code == 404  # a tip is no order
    assert not Refund.objects.filter(reference=tip_row.reference).exists()
    assert ledger_balance(kind=KIND.SHOP_AVAILABLE, shop_id=show.shop_id) == Decimal("9.50")


def test_a_tip_whose_payment_expired_failed_and_moves_no_money(show, buyer):
    from django.utils import timezone

    from payments.services.payments import payment_expire

    tip_row = Tip.objects.get(pk=tip(buyer, show, 10).json()["id"])
    assert payment_expire(payment_id=tip_row.payment_id, now=timezone.now() + timezone.timedelta(hours=1))
    tip_row.refresh_from_db()
    assert tip_row.status == Tip.Status.FAILED
    assert ledger_balance(kind=KIND.SHOP_AVAILABLE, shop_id=show.shop_id) == Decimal("0.00")


# --- the room --------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_room_receives_a_tip_frame_once_the_tip_is_paid():
    show, buyer = live_show(), repeat_buyer(username="花花")
    payment = Tip.objects.get(pk=tip(buyer, show, 5).json()["id"]).payment

    async def scenario():
        viewer = room(show)
        assert (await viewer.connect())[0]
        await join_frames(viewer)
        from asgiref.sync import sync_to_async

        await sync_to_async(payment_sandbox_approve)(payment=payment)
        while True:
            frame = await viewer.receive_json_from(timeout=5)
            if frame["type"] == "tip":
                break
        assert frame == {"type": "tip", "tip": {"sender": {"id": buyer.pk, "username": "花花"}, "amount": "5.00"}}
        later = []
        while not await viewer.receive_nothing(timeout=0.3):
            later.append(await viewer.receive_json_from())
        assert not [f for f in later if f["type"] == "tip"]  # once (a `stats` frame may come meanwhile)
        await viewer.disconnect()

    asyncio.run(scenario())


# --- operators ----------------------------------------------------------------------------------------------


def test_operators_see_a_shows_tips_in_admin_and_cannot_change_them(show, buyer, operator, client):
    tip_row = Tip.objects.get(pk=tip(buyer, show, 10).json()["id"])
    other = Tip.objects.get(pk=tip(buyer, live_show(), 5).json()["id"])
    client.force_login(operator)

    page = client.get(f"/admin/tips/tip/?show__id__exact={show.pk}")
    assert page.status_code == 200
    rows = [t.pk for t in page.context["cl"].result_list]
    assert rows == [tip_row.pk] and other.pk not in rows
    assert client.get("/admin/tips/tip/add/").status_code == 403
    change = client.post(f"/admin/tips/tip/{tip_row.pk}/change/", {"amount": "1.00", "status": "paid"})
    assert change.status_code in {200, 403}
    tip_row.refresh_from_db()
    assert tip_row.amount == Decimal("10.00") and tip_row.status == Tip.Status.PENDING
