from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from payments.models import Payment, Refund


@dataclass(frozen=True)
class ProviderNotification:
    """A verified notification, in the provider-neutral shape the services work with."""

    event_id: str
    type: str  # "payment.succeeded" or "refund.succeeded"
    payment_id: int
    amount: Decimal
    currency: str
    refund_id: int | None
    payload: dict
    created: int | None = None  # when the provider says it happened (unix time), if it says


class PaymentProvider(ABC):
    name: str

    @abstractmethod
    def pay_url(self, payment: Payment) -> str:
        """Where the buyer goes to approve the payment."""

    @abstractmethod
    def notification_verify(self, *, body: bytes, headers: Mapping[str, str], now: float) -> ProviderNotification:
        """Checks the signature on the raw body and parses it; raises InvalidSignature or NotificationRejected."""

    @abstractmethod
    def refund_submit(self, *, refund: Refund) -> None:
        """Asks the provider to send the money back; the result arrives as a notification.

        Raises RefundDeclined(reason) when the provider refuses for good; any other exception is a
        transient failure that is retried. Network I/O: call it after commit
        (payments.tasks.refund_submit_task), never in a transaction.
        """
