"""A Hypothesis state machine over the whole money story: checkout, pay (and replayed notifications),
auto-cancel, ship, confirm, partial refunds, payout batches. After every step:

- every ledger transaction sums to zero;
- each shop's escrow equals the total of its paid, unconfirmed orders less what was refunded on them;
- no shop is ever paid more than it earned (net of commission and refunds);
- nothing is paid twice (one provider transfer per payout, one payout per shop and batch).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from common.errors import DomainError
from common.money import to_fen
from orders.models import Order, RefundRequest
from orders.services.lifecycle import order_confirm_receipt, order_ship, orders_cancel_overdue
from orders.services.refunds import refund_request_accept, refund_request_create
from orders.tests.helpers import place
from payments.models import LedgerAccount, LedgerEntry, Payment, Payout, ProviderEvent, SandboxTransfer
from payments.providers.sandbox import SandboxProvider
from payments.services import payment_notification_receive
from payments.services.payouts import payout_batch_approve, payout_batch_run
from tests.factories import OperatorFactory, ShopFactory, UserFactory, sku_in_shop

pytestmark = pytest.mark.django_db


def _savepoint():
    """A savepoint that durable service blocks (checkout, payout batch) may sit in, as in a TestCase."""
    block = transaction.atomic()
    block._from_testcase = True
    return block


def _fen(queryset) -> int:
    return queryset.aggregate(s=Sum("amount_fen"))["s"] or 0


class MoneyMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each run is rolled back: a savepoint the test case's durability check treats as its own.
        self._atomic = _savepoint()
        self._atomic.__enter__()
        self.shops = [ShopFactory(), ShopFactory()]
        self.skus = [
            sku_in_shop(shop, price=price, stock=50) for shop, price in zip(self.shops, ["28.00", "89.50"], strict=True)
        ]
        self.buyer = UserFactory()
        self.operator = OperatorFactory()
        self.notifications: list[tuple[bytes, dict]] = []
        self.day = 0

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def _run(self, action):
        """A service call as a request would make it: its on-commit effects run; a refusal changes nothing."""
        try:
            with TestCase.captureOnCommitCallbacks(execute=True), _savepoint():
                action()
        except DomainError:
            pass

    def _orders(self, status):
        return list(Order.objects.filter(buyer=self.buyer, status=status).order_by("id"))

    # --- rules ------------------------------------------------------------------------------------------

    @rule(quantities=st.lists(st.integers(min_value=0, max_value=3), min_size=2, max_size=2))
    def checkout(self, quantities):
        items = {sku: qty for sku, qty in zip(self.skus, quantities, strict=True) if qty}
        if items:
            self._run(lambda: place(self.buyer, items))

    @rule(data=st.data())
    def pay(self, data):
        payments = list(Payment.objects.filter(buyer=self.buyer, status=Payment.Status.PENDING).order_by("id"))
        if not payments:
            return
        payment = data.draw(st.sampled_from(payments))
        body, headers = SandboxProvider().notification_build(
            type="payment.succeeded", payment_id=payment.pk, amount=payment.amount, currency=payment.currency
        )
        self.notifications.append((body, headers))
        self._run(lambda: payment_notification_receive(provider_name="sandbox", body=body, headers=headers))

    @rule(data=st.data())
    def replay_a_notification(self, data):
        if self.notifications:
            body, headers = data.draw(st.sampled_from(self.notifications))
            events = ProviderEvent.objects.count()
            self._run(lambda: payment_notification_receive(provider_name="sandbox", body=body, headers=headers))
            assert ProviderEvent.objects.count() == events

    @rule()
    def auto_cancel(self):
        self._run(lambda: orders_cancel_overdue(now=timezone.now() + timedelta(hours=2)))

    @rule(data=st.data())
    def ship(self, data):
        orders = self._orders(Order.Status.PAID)
        if orders:
            order = data.draw(st.sampled_from(orders))
            self._run(
                lambda: order_ship(order_id=order.pk, actor=order.shop.owner, carrier="SF", tracking_number="SF1")
            )

    @rule(data=st.data())
    def confirm(self, data):
        orders = self._orders(Order.Status.SHIPPED)
        if orders:
            order = data.draw(st.sampled_from(orders))
            self._run(lambda: order_confirm_receipt(order_id=order.pk, actor=self.buyer))

    @rule(data=st.data(), share=st.sampled_from(["0.01", "0.3", "0.5", "1"]))
    def partial_refund(self, data, share):
        orders = self._orders(Order.Status.PAID) + self._orders(Order.Status.SHIPPED)
        if not orders:
            return
        order = data.draw(st.sampled_from(orders))
        amount = max(Decimal("0.01"), (order.total * Decimal(share)).quantize(Decimal("0.01")))

        def refund():
            request = refund_request_create(order_id=order.pk, buyer=self.buyer, reason="坏了", amount=str(amount))
            refund_request_accept(refund_request_id=request.pk, actor=order.shop.owner, note="同意")

        self._run(refund)

    @rule()
    def payout_batch(self):
        self.day += 1
        period = (timezone.now() + timedelta(days=self.day)).date()

        def run_and_pay():
            batch, created = payout_batch_run(period=period)
            if created and batch.payouts.exists():
                payout_batch_approve(batch_id=batch.pk, actor=self.operator)

        self._run(run_and_pay)

    # --- invariants -------------------------------------------------------------------------------------

    @invariant()
    def every_transaction_sums_to_zero(self):
        unbalanced = LedgerEntry.objects.values("transaction_id").annotate(s=Sum("amount_fen")).exclude(s=0)
        assert not unbalanced.exists()

    @invariant()
    def escrow_is_what_paid_unconfirmed_orders_hold(self):
        for shop in self.shops:
            held = Order.objects.filter(shop=shop, status__in=[Order.Status.PAID, Order.Status.SHIPPED])
            expected = sum(to_fen(o.total) for o in held) - sum(
                to_fen(r.amount)
                for r in RefundRequest.objects.filter(order__in=held, status=RefundRequest.Status.REFUNDED)
            )
            escrow = _fen(LedgerEntry.objects.filter(account__shop=shop, account__kind=LedgerAccount.Kind.ESCROW))
            assert escrow == expected, (shop.pk, escrow, expected)

    @invariant()
    def no_shop_is_paid_more_than_it_earned(self):
        for shop in self.shops:
            earned = _fen(
                LedgerEntry.objects.filter(
                    account__shop=shop, account__kind=LedgerAccount.Kind.SHOP_PENDING, amount_fen__gt=0
                )
            )
            paid = _fen(LedgerEntry.objects.filter(account__shop=shop, account__kind=LedgerAccount.Kind.SHOP_PAID_OUT))
            transferred = _fen(SandboxTransfer.objects.filter(shop=shop))
            assert paid == transferred <= earned

    @invariant()
    def nothing_is_paid_twice(self):
        assert SandboxTransfer.objects.count() == Payout.objects.filter(status=Payout.Status.PAID).count()
        assert not Payout.objects.values("batch", "shop").annotate(n=Sum(1)).filter(n__gt=1).exists()


def test_money_invariants_hold_over_random_stories():
    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
