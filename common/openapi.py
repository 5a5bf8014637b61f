"""The OpenAPI schema's truth about errors: which domain errors an API operation can answer with.

`@api_errors(OutOfStock, OrderNotPayable)` on an APIView method (beside `@extend_schema`) declares the
DomainError classes that the operation's services can raise. The schema generator documents them (status and
`code` enum, in the shared error shape) together with the errors every operation of its kind can give
(validation, authentication, permission, not found, rate limits); the exception handler checks in tests that
an operation never answers with a code it did not declare, so the declaration cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from common.errors import DomainError

F = TypeVar("F", bound=Callable)


def api_errors(*errors: type[DomainError]) -> Callable[[F], F]:
    """Declares the domain errors an API method can raise (repeatable; declarations add up)."""
    for error in errors:
        if not (isinstance(error, type) and issubclass(error, DomainError)):
            raise TypeError(f"api_errors takes DomainError classes, not {error!r}")

    def decorate(method: F) -> F:
        method.api_errors = (*getattr(method, "api_errors", ()), *errors)  # type: ignore[attr-defined]
        return method

    return decorate
