"""Domain errors. Services raise them; one DRF handler and one page template turn them into answers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy


class DomainError(Exception):
    """An error a user can act on, with a stable machine-readable code (and, for errors that pass,
    `retry_after` seconds, sent as a Retry-After header)."""

    code = "invalid"
    status = 400
    retry_after: int | None = None
    default_message = gettext_lazy("The request could not be completed.")

    def __init__(
        self,
        message: str | None = None,
        *,
        details: dict[str, Any] | None = None,
        fields: dict[str, list[str]] | None = None,
    ) -> None:
        self.message = str(message or self.default_message)
        self.details = details or {}
        self.fields = fields or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 400
    default_message = gettext_lazy("Some fields are not valid.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = gettext_lazy("Not found.")


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    status = 403
    default_message = gettext_lazy("You are not allowed to do this.")


class InvalidState(DomainError):
    code = "invalid_state"
    status = 409
    default_message = gettext_lazy("This cannot be done in the current state.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = gettext_lazy("This conflicts with the current state.")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy("Too many requests. Please slow down.")

    def __init__(self, message: str | None = None, *, retry_after: int = 1, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class Busy(Conflict):
    """A row this request needed stayed locked longer than it may wait (a flash sale's hot SKU)."""

    code = "busy"
    status = 409
    default_message = gettext_lazy("Many people are buying this right now. Please try again in a moment.")

    def __init__(self, message: str | None = None, *, retry_after: int = 1, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))


class DrawTaken(Busy):
    """A value drawn at random for a unique column (an order's number) was already taken, and the write rolled
    back. The write's outermost owner runs it again with a new draw (`common.idempotency.write_retried`);
    past its attempts the client gets the 409 `busy` with Retry-After that any Busy is."""


class ServiceUnavailable(DomainError):
    """The database (or another service the request needs) could not be reached: nothing was done."""

    code = "unavailable"
    status = 503
    default_message = gettext_lazy("The service is briefly unavailable. Nothing was changed; please try again.")

    def __init__(self, message: str | None = None, *, retry_after: int = 5, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = max(1, int(retry_after))
