"""Payout providers: how money leaves the platform for a seller's bank. A real bank is a new class."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction


@dataclass(frozen=True)
class TransferResult:
    ok: bool
    reference: str = ""
    reason: str = ""


class PayoutProvider:
    name = "base"

    def transfer(self, *, idempotency_key: str, shop, amount_fen: int, currency: str) -> TransferResult:
        """Sends the money once per idempotency key: a repeated call answers the first result."""
        raise NotImplementedError


class SandboxPayoutProvider(PayoutProvider):
    """Behaves like a bank API with idempotency keys; its books are the SandboxTransfer table.

    Knobs for tests and demos: SANDBOX_PAYOUT_FAIL_SLUGS (shops whose transfers are refused, as a
    closed bank account would be) and SANDBOX_PAYOUT_DELAY_MS (a slow bank).
    """

    name = "sandbox"

    def transfer(self, *, idempotency_key: str, shop, amount_fen: int, currency: str) -> TransferResult:
        from payments.models import SandboxTransfer

        delay = settings.SANDBOX_PAYOUT_DELAY_MS / 2000  # half before the bank books it, half after
        if delay:
            time.sleep(delay)
        if shop.slug in settings.SANDBOX_PAYOUT_FAIL_SLUGS:
            return TransferResult(ok=False, reason="The receiving bank account is closed.")
        try:
            with transaction.atomic():  # the provider's own commit, not ours
                transfer = SandboxTransfer.objects.create(
                    idempotency_key=idempotency_key, shop=shop, amount_fen=amount_fen, currency=currency
                )
        except IntegrityError:
            transfer = SandboxTransfer.objects.get(idempotency_key=idempotency_key)
        if delay:
            time.sleep(delay)
        return TransferResult(ok=True, reference=f"SBX{transfer.pk:010d}")


PAYOUT_PROVIDERS: dict[str, type[PayoutProvider]] = {SandboxPayoutProvider.name: SandboxPayoutProvider}


def payout_provider_get() -> PayoutProvider:
    return PAYOUT_PROVIDERS[settings.PAYOUT_PROVIDER]()
