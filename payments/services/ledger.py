"""The double-entry ledger: append-only entries in integer fen; every transaction sums to zero."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q

from common.money import to_fen
from payments.errors import LedgerUnbalanced
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, Payment

AccountKey = tuple[str, int | None]  # (kind, shop_id)


def ledger_accounts_get(*, keys: Iterable[AccountKey], currency: str) -> dict[AccountKey, LedgerAccount]:
    """The accounts for these keys, created when missing. Two queries, three when some are new."""
    wanted = set(keys)
    kinds = {kind for kind, _shop in wanted}

    def load() -> dict[AccountKey, LedgerAccount]:
        shop_ids = {shop for _kind, shop in wanted if shop is not None}
        found = LedgerAccount.objects.filter(
            Q(shop_id__in=shop_ids) | Q(shop__isnull=True), kind__in=kinds, currency=currency
        )
        return {(a.kind, a.shop_id): a for a in found if (a.kind, a.shop_id) in wanted}

    accounts = load()
    missing = wanted - accounts.keys()
    if missing:
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(kind=kind, shop_id=shop, currency=currency) for kind, shop in missing],
            ignore_conflicts=True,
        )
        accounts = load()
    return accounts


@transaction.atomic
def ledger_transaction_post(
    *,
    kind: str,
    key: str,
    currency: str,
    entries: list[tuple[LedgerAccount, int]],
    reference: str = "",
    payment_id: int | None = None,
) -> LedgerTransaction | None:
    """Posts one balanced transaction, once per `key` (a second post with the same key is a no-op)."""
    entries = [(account, int(fen)) for account, fen in entries if int(fen) != 0]
    if sum(fen for _account, fen in entries) != 0:
        raise LedgerUnbalanced(f"Ledger transaction {key} does not balance: {entries}")
    if any(account.currency != currency for account, _fen in entries):
        raise LedgerUnbalanced(f"Ledger transaction {key} mixes currencies.")
    if not entries:
        return None
    try:
        with transaction.atomic():
            ledger_tx = LedgerTransaction.objects.create(
                kind=kind, key=key, reference=reference[:1000], payment_id=payment_id
            )
    except IntegrityError:
        return None  # already posted
    LedgerEntry.objects.bulk_create(
        [
            LedgerEntry(transaction=ledger_tx, account=account, amount_fen=fen, currency=currency)
            for account, fen in entries
        ]
    )
    return ledger_tx


def ledger_payment_captured(*, payment: Payment, allocations: list) -> LedgerTransaction | None:
    """Buyer payments clearing → escrow held for each shop."""
    kind = LedgerAccount.Kind
    keys = [(kind.BUYER_CLEARING, None)] + [(kind.ESCROW, a.shop_id) for a in allocations]
    accounts = ledger_accounts_get(keys=keys, currency=payment.currency)
    entries = [(accounts[(kind.ESCROW, a.shop_id)], to_fen(a.amount)) for a in allocations]
    entries.insert(0, (accounts[(kind.BUYER_CLEARING, None)], -sum(fen for _a, fen in entries)))
    return ledger_transaction_post(
        kind=LedgerTransaction.Kind.PAYMENT_CAPTURED,
        key=f"capture:{payment.pk}",
        currency=payment.currency,
        entries=entries,
        reference=payment.reference,
        payment_id=payment.pk,
    )


def ledger_refund(*, refund) -> LedgerTransaction | None:
    """Escrow held for the shop → refunds to buyers."""
    kind = LedgerAccount.Kind
    accounts = ledger_accounts_get(keys=[(kind.ESCROW, refund.shop_id), (kind.REFUNDS, None)], currency=refund.currency)
    fen = to_fen(refund.amount)
    return ledger_transaction_post(
        kind=LedgerTransaction.Kind.REFUND,
        key=f"refund:{refund.pk}",
        currency=refund.currency,
        entries=[(accounts[(kind.ESCROW, refund.shop_id)], -fen), (accounts[(kind.REFUNDS, None)], fen)],
        reference=refund.reference,
        payment_id=refund.payment_id,
    )


@transaction.atomic
def escrow_release(
    *,
    shop_id: int,
    reference: str,
    amount: Decimal,
    commission: Decimal,
    currency: str,
    available_at_once: bool = False,
    payment_id: int | None = None,
) -> LedgerTransaction | None:
    """Receipt confirmed: escrow → the shop's pending balance less commission, commission → platform revenue.
    `available_at_once`: money that waits for nothing (a tip: no goods, never refunded) goes to the shop's
    available balance instead.

    Once per reference (a second call is a no-op).
    """
    kind = LedgerAccount.Kind
    to_kind = kind.SHOP_AVAILABLE if available_at_once else kind.SHOP_PENDING
    gross, fee = to_fen(amount), to_fen(commission)
    if fee < 0 or fee > gross:
        raise LedgerUnbalanced(f"Commission {commission} out of range for {amount}.")
    accounts = ledger_accounts_get(
        keys=[(kind.ESCROW, shop_id), (to_kind, shop_id), (kind.PLATFORM_REVENUE, None)], currency=currency
    )
    return ledger_transaction_post(
        kind=LedgerTransaction.Kind.RELEASED_AT_ONCE if available_at_once else LedgerTransaction.Kind.RECEIPT_CONFIRMED,
        key=f"release:{reference}",
        currency=currency,
        entries=[
            (accounts[(kind.ESCROW, shop_id)], -gross),
            (accounts[(to_kind, shop_id)], gross - fee),
            (accounts[(kind.PLATFORM_REVENUE, None)], fee),
        ],
        reference=reference,
        payment_id=payment_id,
    )
