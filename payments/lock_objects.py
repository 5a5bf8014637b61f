"""Row locks for payments. A payment is locked before the orders it pays for (the notification path
locks the payment, then its orders): every caller keeps that order, so they cannot deadlock."""

from __future__ import annotations

from payments.models import Payment


def payment_lock(payment_id: int) -> Payment:
    return Payment.objects.select_for_update().get(pk=payment_id)
