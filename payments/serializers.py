"""The payments API's shapes: each answer is `FooOut(obj).data`, and drf-spectacular reads the same class."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.fields import empty

from common.ids import MAX_ID
from common.money import from_fen
from common.serializers import IsoDateTimeField
from payments.models import LedgerAccount, LedgerTransaction, Payment, Payout
from payments.providers.sandbox import EVENT_ID_MAX_LENGTH, EVENT_TYPES, SIGNATURE_HEADER
from payments.selectors import BALANCE_KINDS
from payments.services import payment_pay_url

AMOUNT_DIGITS = 14  # up to a trillion yuan, far above any balance


def amount_field(**kwargs) -> serializers.DecimalField:
    """An amount in yuan as the API writes it: a string with two decimals ("28.00"; negative for money out)."""
    return serializers.DecimalField(max_digits=AMOUNT_DIGITS, decimal_places=2, coerce_to_string=True, **kwargs)


class FenAmountField(serializers.DecimalField):
    """An integer count of fen from the ledger, answered as yuan: 1234 → "12.34"."""

    def __init__(self, **kwargs) -> None:
        super().__init__(max_digits=AMOUNT_DIGITS, decimal_places=2, coerce_to_string=True, **kwargs)

    def to_representation(self, value):
        return super().to_representation(from_fen(value))


class PaymentOut(serializers.Serializer):
    id = serializers.IntegerField()
    amount = amount_field()
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=Payment.Status.choices)
    reference = serializers.CharField(help_text="The order numbers this payment covers.")
    pay_url = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_pay_url(self, payment: Payment) -> str:
        return payment_pay_url(payment=payment)


@extend_schema_serializer(component_name="SandboxNotification")  # its name in the schema before this class
class SandboxNotificationIn(serializers.Serializer):
    """What the sandbox provider POSTs (signed over the raw body: the service verifies and reads it)."""

    event_id = serializers.CharField(min_length=1, max_length=EVENT_ID_MAX_LENGTH)
    type = serializers.ChoiceField(choices=EVENT_TYPES)
    payment_id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    amount = amount_field()
    currency = serializers.CharField()
    refund_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="With type refund.succeeded (required there)."
    )
    created = serializers.IntegerField(required=False, help_text="When it happened, in Unix seconds.")


SIGNATURE_HEADER_DESCRIPTION = (
    f'`{SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the shared secret>`'
)


@extend_schema_serializer(component_name="NotificationReceived")
class NotificationReceivedOut(serializers.Serializer):
    received = serializers.BooleanField()
    duplicate = serializers.BooleanField(help_text="The event was received before: nothing was done again.")


class BalanceOut(serializers.Serializer):
    """The shop's balances in yuan, one per name of selectors.BALANCE_KINDS, and their currency."""

    def get_fields(self):
        return {**{name: amount_field() for name in BALANCE_KINDS}, "currency": serializers.CharField()}


class PayoutBatchRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    period = serializers.DateField()


class PayoutOut(serializers.Serializer):
    id = serializers.IntegerField()
    batch = PayoutBatchRefOut()
    amount = FenAmountField(source="amount_fen")
    currency = serializers.CharField()
    status = serializers.ChoiceField(choices=Payout.Status.choices)
    failure_reason = serializers.CharField(allow_blank=True, help_text="Why the bank refused it (empty otherwise).")
    created_at = IsoDateTimeField()
    paid_at = IsoDateTimeField(allow_null=True)


class StatementLineOut(serializers.Serializer):
    """A ledger line on one of the shop's accounts (selectors.shop_statement)."""

    id = serializers.IntegerField()
    at = IsoDateTimeField(source="created_at")
    account = serializers.ChoiceField(source="account.kind", choices=LedgerAccount.Kind.choices)
    type = serializers.ChoiceField(source="transaction.kind", choices=LedgerTransaction.Kind.choices)
    amount = FenAmountField(source="amount_fen")
    currency = serializers.CharField()
    reference = serializers.SerializerMethodField(
        help_text="The number of the order (or tip) whose money this line moves, this shop's own; empty for a "
        "settlement or a payout, which concern no order."
    )

    @extend_schema_field(OpenApiTypes.STR)
    def get_reference(self, entry) -> str:
        # This shop's order number only (shop_statement): a capture's own reference names every shop's order.
        return getattr(entry, "shop_reference", None) or ""


class QueryDateField(serializers.DateField):
    """A date in the query string: absent is "no limit", but present and empty (`?to=`) is not a date."""

    def get_value(self, dictionary):
        return dictionary.get(self.field_name, empty)


class StatementQuery(serializers.Serializer):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (both optional, both included)."""

    def get_fields(self):  # "from" is a Python keyword, so the fields are declared here
        return {
            "from": QueryDateField(required=False, help_text="First day, YYYY-MM-DD."),
            "to": QueryDateField(required=False, help_text="Last day, YYYY-MM-DD."),
        }
