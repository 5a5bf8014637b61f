"""Payment providers. A new provider (Alipay, Stripe) is a new class registered here, not a rewrite."""

from __future__ import annotations

from payments.providers.base import PaymentProvider, ProviderNotification
from payments.providers.sandbox import SandboxProvider

PROVIDERS: dict[str, type[PaymentProvider]] = {SandboxProvider.name: SandboxProvider}


def provider_get(name: str) -> PaymentProvider:
    try:
        return PROVIDERS[name]()
    except KeyError as exc:
        raise LookupError(f"Unknown payment provider {name!r}") from exc


__all__ = ["PROVIDERS", "PaymentProvider", "ProviderNotification", "provider_get"]
