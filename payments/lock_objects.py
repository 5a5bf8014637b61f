"""Row locks for payments. A payment is locked before the orders it pays for (the notification path
locks the payment, then its orders): every caller keeps that order, so they cannot deadlock."""

from __future__ import annotations

from django.db import connection

from payments.models import Payment

# Any fixed number: pg_advisory_xact_lock keys are global to the database.
_LEDGER_SETTLEMENT_LOCK = 7_340_001


def payment_lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)


def ledger_settlement_lock() -> None:
    """One settlement at a time, until the transaction ends. A settlement reads every shop's pending
    balance and moves it, so two at once (the hourly task during a payout batch, a redelivered task)
    would both move the same money. The second waits, then finds nothing left to move.

    SQLite needs nothing: its write transactions run one at a time (transaction_mode IMMEDIATE).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LEDGER_SETTLEMENT_LOCK])
