"""A sandbox provider that behaves like Alipay: a pay page, then a signed server-to-server notification.

Signature: header `X-Sandbox-Signature: t=<unix>,v1=<hex hmac_sha256(secret, "<t>.<raw body>")>`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from common.money import money_str
from common.reversing import reverse_ints
from payments.errors import InvalidSignature, NotificationRejected, RefundDeclined
from payments.providers.base import PaymentProvider, ProviderNotification

SIGNATURE_HEADER = "X-Sandbox-Signature"
TOLERANCE_SECONDS = 300
EVENT_TYPES = ("payment.succeeded", "refund.succeeded")
EVENT_ID_MAX_LENGTH = 100


def signature_header(*, body: bytes, secret: str, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def signature_verify(*, body: bytes, header: str, secret: str, now: float) -> None:
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError, IndexError) as exc:
        raise InvalidSignature() from exc
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature(_("The notification is stale."))
    expected = signature_header(body=body, secret=secret, timestamp=timestamp).split("v1=")[1]
    if not any(hmac.compare_digest(expected, candidate) for candidate in parts.get("v1", [])):
        raise InvalidSignature()


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def __init__(self, secret: str | None = None) -> None:
        self.secret = secret or settings.SANDBOX_PAYMENT_SECRET

    def pay_url(self, payment) -> str:
        return reverse_ints("payments:sandbox", payment_id=payment.pk)  # bench B1: on every checkout

    # What the provider's servers do --------------------------------------------------------------

    def notification_build(
        self,
        *,
        type: str,
        payment_id: int,
        amount: Decimal,
        currency: str,
        refund_id: int | None = None,
        now: float | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """The exact request the provider would POST to our notify endpoint: raw body and headers."""
        now = int(time.time() if now is None else now)
        event = {
            "event_id": f"evt_{uuid.uuid4().hex}",
            "type": type,
            "payment_id": payment_id,
            "amount": money_str(amount),
            "currency": currency,
            "created": now,
        }
        if refund_id is not None:
            event["refund_id"] = refund_id
        body = json.dumps(event, separators=(",", ":")).encode()
        return body, {SIGNATURE_HEADER: signature_header(body=body, secret=self.secret, timestamp=now)}

    def refund_submit(self, *, refund) -> None:
        """Refunds at once (its notification is delivered in-process), unless the buyer is listed in
        SANDBOX_REFUND_FAIL_USERNAMES: then it refuses, as for a frozen payment account."""
        from payments.services import payment_notification_receive

        if refund.payment.buyer.username in settings.SANDBOX_REFUND_FAIL_USERNAMES:
            raise RefundDeclined("The buyer's payment account is frozen: the refund was refused.")

        body, headers = self.notification_build(
            type="refund.succeeded",
            payment_id=refund.payment_id,
            amount=refund.amount,
            currency=refund.currency,
            refund_id=refund.pk,
        )
        payment_notification_receive(provider_name=self.name, body=body, headers=headers)

    # What we do with it ----------------------------------------------------------------------------

    def notification_verify(self, *, body: bytes, headers: Mapping[str, str], now: float) -> ProviderNotification:
        header = next((v for k, v in headers.items() if k.lower() == SIGNATURE_HEADER.lower()), "")
        signature_verify(body=body, header=header, secret=self.secret, now=now)
        try:
            event = json.loads(body)
            if not isinstance(event, dict):
                raise TypeError
            event_id = event["event_id"]
            event_type = event["type"]
            payment_id = event["payment_id"]
            amount = Decimal(str(event["amount"]))
            currency = event["currency"]
            refund_id = event.get("refund_id")
            created = event.get("created")
        except (ValueError, TypeError, KeyError, InvalidOperation) as exc:
            raise NotificationRejected(_("The notification body is not valid.")) from exc
        valid = (
            isinstance(event_id, str)
            and 0 < len(event_id) <= EVENT_ID_MAX_LENGTH
            and event_type in EVENT_TYPES
            and isinstance(payment_id, int)
            and not isinstance(payment_id, bool)
            and 0 < payment_id < 2**63
            and isinstance(currency, str)
            and amount.is_finite()
            and (refund_id is None or (isinstance(refund_id, int) and 0 < refund_id < 2**63))
            and (event_type != "refund.succeeded" or refund_id is not None)
        )
        if not valid:
            raise NotificationRejected(_("The notification body is not valid."))
        return ProviderNotification(
            event_id=event_id,
            type=event_type,
            payment_id=payment_id,
            amount=amount,
            currency=currency,
            refund_id=refund_id,
            payload=event,
            # Only when it happened: a body without a usable time is judged by the time it arrives.
            created=created if isinstance(created, int) and not isinstance(created, bool) and created > 0 else None,
        )
