"""Writes for money: payments and refunds through a provider, and the ledger."""

from payments.services.ledger import (
    escrow_release,
    ledger_accounts_get,
    ledger_transaction_post,
)
from payments.services.payments import (
    AllocationSpec,
    payment_allocation_lower,
    payment_allocation_void,
    payment_create,
    payment_notification_receive,
    payment_pay_url,
    payment_prepare,
    payment_sandbox_approve,
)
from payments.services.refunds import refund_create, refund_submit

__all__ = [
    "AllocationSpec",
    "escrow_release",
    "ledger_accounts_get",
    "ledger_transaction_post",
    "payment_allocation_lower",
    "payment_allocation_void",
    "payment_create",
    "payment_notification_receive",
    "payment_pay_url",
    "payment_prepare",
    "payment_sandbox_approve",
    "refund_create",
    "refund_submit",
]
