"""Money held by the platform: payments and refunds through a provider, and the double-entry ledger.

`payments` knows shops and references (order numbers), never orders: a higher app passes in what
it needs and hears back through `payments.signals`. By subject: payments.py, ledger.py, payouts.py.
"""

from payments.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from payments.models.payments import LateCapture, Payment, PaymentAllocation, ProviderEvent, Refund
from payments.models.payouts import Payout, PayoutAccount, PayoutBatch, SandboxTransfer

__all__ = [
    "LateCapture",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Payment",
    "PaymentAllocation",
    "Payout",
    "PayoutAccount",
    "PayoutBatch",
    "ProviderEvent",
    "Refund",
    "SandboxTransfer",
]
