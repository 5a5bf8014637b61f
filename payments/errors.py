from django.utils.translation import gettext_lazy

from common.errors import DomainError


class InvalidSignature(DomainError):
    code = "invalid_signature"
    status = 400
    default_message = gettext_lazy("The notification's signature is missing, wrong or stale.")


class NotificationRejected(DomainError):
    """A correctly signed notification we cannot accept (unknown payment, amount or currency mismatch)."""

    code = "notification_rejected"
    status = 400
    default_message = gettext_lazy("The notification does not match the payment.")


class RefundTooLarge(DomainError):
    code = "refund_too_large"
    status = 409
    default_message = gettext_lazy("Refunds cannot add up to more than was paid.")


class NotRefundable(DomainError):
    """The reference names something that is never refunded (payments.services.refunds.references_not_refundable)."""

    code = "not_refundable"
    status = 409
    default_message = gettext_lazy("This payment cannot be refunded.")


class LedgerUnbalanced(Exception):
    """A programming error: a ledger transaction whose entries do not sum to zero."""


class RefundDeclined(Exception):
    """The provider refused a refund for good (a closed buyer account, a trade too old): not retried."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
