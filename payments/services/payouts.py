"""Settlement and payout batches. Their set-based SQL (no Python loop over shops or ledger entries) is the
fast path in payouts_fast_path.py, beside its plain-ORM reference payouts_reference.py.

Money flows through a shop's accounts: escrow → pending (receipt confirmed, less commission) →
available (settled after PAYOUT_HOLD_DAYS) → in transit (a payout batch) → paid out (the bank
confirmed) or back to available (the transfer failed). Each step is a ledger transaction whose
entries sum to zero, posted once per key.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.csv_export import csv_writer
from common.errors import InvalidState
from common.money import fen_str, to_fen
from common.sweeps import overdue_enqueue
from payments.lock_objects import ledger_settlement_lock
from payments.models import LedgerAccount, LedgerTransaction, Payout, PayoutBatch
from payments.providers.payouts import payout_provider_get
from payments.services import payouts_fast_path as fast_path
from payments.services.ledger import ledger_accounts_get, ledger_transaction_post
from payments.signals import payout_status_changed

logger = logging.getLogger(__name__)
Progress = Callable[[str], None]


def _noop(message: str) -> None:
    logger.info(message)


@transaction.atomic
def ledger_settle_due(*, now: datetime | None = None, run_key: str | None = None) -> int:
    """Moves confirmed money older than PAYOUT_HOLD_DAYS from pending to available, for every shop."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PAYOUT_HOLD_DAYS)
    run_key = run_key or f"settle:{now:%Y%m%d%H%M%S%f}:"
    ledger_settlement_lock()  # before reading the balances it moves
    return fast_path.settle_due(cutoff=cutoff, run_key=run_key, now=now)


def payout_batch_period(now: datetime) -> date:
    return timezone.localtime(now).date()


@transaction.atomic(durable=True)
def payout_batch_run(
    *, now: datetime | None = None, period: date | None = None, progress: Progress = _noop
) -> tuple[PayoutBatch, bool]:
    """Creates the period's batch: settles due money, then one payout per shop whose available
    balance reaches PAYOUT_MINIMUM, moving it to "in transit". A second run for the period is a no-op.

    Returns (batch, created). Suspended shops' money waits.
    """
    now = now or timezone.now()
    period = period or payout_batch_period(now)
    batch, created = PayoutBatch.objects.get_or_create(period=period, defaults={"cutoff_at": now})
    if not created:
        progress(f"batch {period} exists already: nothing new")
        return batch, False
    fast_path.jit_off()
    progress("settling pending money older than the hold")
    settled = ledger_settle_due(now=now, run_key=f"settle:{period}:")
    progress(f"settled {settled} shop(s); choosing payouts")
    minimum = to_fen(Decimal(settings.PAYOUT_MINIMUM))
    created_payouts = fast_path.payouts_create(
        batch=batch, minimum_fen=minimum, key_prefix=f"payout-{period:%Y%m%d}-", now=now
    )
    progress(f"{created_payouts} payout(s); moving their money to in transit")
    fast_path.payouts_start(batch=batch, now=now)
    if not created_payouts:
        batch.status = PayoutBatch.Status.COMPLETED
        batch.completed_at = now
        batch.save(update_fields=["status", "completed_at", "updated_at"])
    progress("done")
    return batch, True


@transaction.atomic
def payout_batch_approve(*, batch_id: int, actor, reason: str = "") -> PayoutBatch:
    """An operator approves the batch: each payout is sent by its own idempotent Celery task. The
    approval is the operator's action: the audit log keeps it."""
    from accounts.services import operator_action_record

    batch = PayoutBatch.objects.select_for_update().get(pk=batch_id)
    if batch.status != PayoutBatch.Status.AWAITING_APPROVAL:
        raise InvalidState(_("This batch is not awaiting approval."))
    batch.status = PayoutBatch.Status.APPROVED
    batch.approved_by = actor
    batch.approved_at = timezone.now()
    batch.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    batch.payouts.filter(status=Payout.Status.AWAITING_APPROVAL).update(
        status=Payout.Status.APPROVED, updated_at=timezone.now()
    )
    operator_action_record(actor=actor, action="payout_batch_approve", obj=batch, reason=reason)
    # robust: a broker that is down must not fail the approval; payouts_reconcile_task re-queues them.
    transaction.on_commit(lambda: payouts_enqueue(batch_id=batch.pk), robust=True)
    return batch


def payouts_enqueue(*, batch_id: int | None = None, older_than: datetime | None = None) -> int:
    """Queues a pay task for each approved or processing payout (used on approval and by the reconciler)."""
    from payments.tasks import payout_pay_task

    payouts = Payout.objects.filter(status__in=[Payout.Status.APPROVED, Payout.Status.PROCESSING])
    if batch_id is not None:
        payouts = payouts.filter(batch_id=batch_id)
    if older_than is not None:
        payouts = payouts.filter(updated_at__lte=older_than)
    return overdue_enqueue(payouts, payout_pay_task, limit=None)


def payout_pay(*, payout_id: int) -> str:
    """Pays one payout exactly once, safe to run again at any point (a worker killed mid-way included).

    1. (transaction) approved → processing;  2. the provider transfer, outside any transaction, with
    the payout's idempotency key, so a repeat returns the first transfer;  3. (transaction) processing →
    paid (in transit → paid out) or failed (in transit → available, with the reason).
    """
    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("shop").get(pk=payout_id)
        if payout.status in (Payout.Status.PAID, Payout.Status.FAILED):
            return payout.status
        if payout.status == Payout.Status.AWAITING_APPROVAL:
            raise InvalidState(_("The batch of this payout is not approved."))
        if payout.status == Payout.Status.APPROVED:
            payout.status = Payout.Status.PROCESSING
            payout.save(update_fields=["status", "updated_at"])
    result = payout_provider_get().transfer(
        idempotency_key=payout.idempotency_key, shop=payout.shop, amount_fen=payout.amount_fen, currency=payout.currency
    )
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.PROCESSING:
            return payout.status  # a twin run finished it first
        kind = LedgerAccount.Kind
        target = kind.SHOP_PAID_OUT if result.ok else kind.SHOP_AVAILABLE
        accounts = ledger_accounts_get(
            keys=[(kind.SHOP_IN_TRANSIT, payout.shop_id), (target, payout.shop_id)], currency=payout.currency
        )
        ledger_transaction_post(
            kind=LedgerTransaction.Kind.PAYOUT_PAID if result.ok else LedgerTransaction.Kind.PAYOUT_FAILED,
            key=f"payout-{'paid' if result.ok else 'failed'}:{payout.pk}",
            currency=payout.currency,
            entries=[
                (accounts[(kind.SHOP_IN_TRANSIT, payout.shop_id)], -payout.amount_fen),
                (accounts[(target, payout.shop_id)], payout.amount_fen),
            ],
            reference=f"payout {payout.pk}",
        )
        payout.status = Payout.Status.PAID if result.ok else Payout.Status.FAILED
        payout.provider_reference = result.reference[:80]
        payout.failure_reason = result.reason[:300]
        payout.paid_at = timezone.now() if result.ok else None
        payout.save(update_fields=["status", "provider_reference", "failure_reason", "paid_at", "updated_at"])
        _batch_complete_if_done(payout.batch_id)
        status = payout.status
        transaction.on_commit(
            lambda: payout_status_changed.send(
                sender=Payout,
                payout_id=payout_id,
                shop_id=payout.shop_id,
                status=status,
                amount=Decimal(payout.amount_fen) / 100,
                reason=result.reason,
            ),
            robust=True,
        )
    return status


def _batch_complete_if_done(batch_id: int) -> None:
    if (
        not Payout.objects.filter(batch_id=batch_id)
        .exclude(status__in=[Payout.Status.PAID, Payout.Status.FAILED])
        .exists()
    ):
        PayoutBatch.objects.filter(pk=batch_id).exclude(status=PayoutBatch.Status.COMPLETED).update(
            status=PayoutBatch.Status.COMPLETED, completed_at=timezone.now(), updated_at=timezone.now()
        )


def payout_batch_csv(*, batch: PayoutBatch) -> str:
    """The bank file: one line per payout, amounts in yuan with two decimals. Shop names are written by
    sellers: no cell is read as a spreadsheet formula (common.csv_export)."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(
        [
            "payout_id",
            "batch",
            "shop_slug",
            "shop_name",
            "amount",
            "currency",
            "status",
            "idempotency_key",
            # the bank account the owner entered in the seller center (empty: none yet, the bank cannot pay)
            "account_holder",
            "bank",
            "account_number",
        ]
    )
    payouts = batch.payouts.select_related("shop", "shop__payout_account").order_by("id")
    for payout in payouts.iterator(chunk_size=2000):
        account = getattr(payout.shop, "payout_account", None)
        writer.writerow(
            [
                payout.pk,
                f"{batch.period}",
                payout.shop.slug,
                payout.shop.name,
                fen_str(payout.amount_fen),
                payout.currency,
                payout.status,
                payout.idempotency_key,
                account.holder_name if account else "",
                account.bank_name if account else "",
                account.account_number if account else "",
            ]
        )
    return out.getvalue()
