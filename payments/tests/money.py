"""Test helpers: put a confirmed sale's money into a shop's pending balance through the real services."""

from decimal import Decimal

from django.db.models import Sum

from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction
from payments.services.ledger import escrow_release, ledger_accounts_get, ledger_transaction_post

_sales = {"n": 0}


def confirmed_sale(shop, gross: str, commission: str = "0.00") -> str:
    """A payment captured into the shop's escrow, then released on receipt (less commission)."""
    _sales["n"] += 1
    reference = f"T{_sales['n']:08d}{shop.pk}"
    kind = LedgerAccount.Kind
    accounts = ledger_accounts_get(keys=[(kind.BUYER_CLEARING, None), (kind.ESCROW, shop.pk)], currency="CNY")
    fen = int(Decimal(gross) * 100)
    ledger_transaction_post(
        kind=LedgerTransaction.Kind.PAYMENT_CAPTURED,
        key=f"capture:{reference}",
        currency="CNY",
        entries=[(accounts[(kind.BUYER_CLEARING, None)], -fen), (accounts[(kind.ESCROW, shop.pk)], fen)],
        reference=reference,
    )
    escrow_release(
        shop_id=shop.pk, reference=reference, amount=Decimal(gross), commission=Decimal(commission), currency="CNY"
    )
    return reference


def assert_every_transaction_balances() -> None:
    unbalanced = LedgerEntry.objects.values("transaction_id").annotate(s=Sum("amount_fen")).exclude(s=0)
    assert not unbalanced.exists(), list(unbalanced)
