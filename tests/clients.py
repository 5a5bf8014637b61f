"""The API as a signed-in user sees it (DRF's test client, authenticated without a password round trip)."""

from __future__ import annotations

from rest_framework.test import APIClient


def client_for(user=None, key: str | None = None) -> APIClient:
    """A client signed in as `user` (none: anonymous); with `key`, every request carries that Idempotency-Key."""
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    if key:
        client.credentials(HTTP_IDEMPOTENCY_KEY=key)
    return client
