"""The OpenAPI schema's truth about errors: which domain errors an API operation can answer with.

`@api_errors(OutOfStock, OrderNotPayable)` on an APIView method (beside `@extend_schema`) declares the
DomainError classes that the operation's services can raise. The schema generator (`ErrorsAutoSchema`, the
DEFAULT_SCHEMA_CLASS) documents them (status and `code` enum, in the one shared error shape) together with the
errors every operation of its kind can give (validation, authentication, permission, not found, rate limits);
the exception handler checks in tests that an operation never answers with a code it did not declare
(common/openapi_check.py), so the declaration cannot drift.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent
from rest_framework import permissions
from rest_framework.authentication import SessionAuthentication

from common.errors import Busy, DomainError, RateLimited

F = TypeVar("F", bound=Callable)

ERROR_COMPONENT = "Error"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_MAX_LENGTH = 255
RETRY_AFTER_STATUSES = {429, 503}

# The codes the exception handler (common/api.py) gives on its own, whatever the view: where each applies is
# decided in ErrorsAutoSchema._inferred_errors.
GENERIC_MESSAGES = {
    "validation_error": "Some fields (or query parameters, or headers) are not valid: `fields` names them.",
    "parse_error": "The body is not well-formed (JSON that does not parse, nested too deeply).",
    "not_authenticated": "No valid credentials: sign in, or send `Authorization: Token <key>`.",
    "permission_denied": "Signed in but not allowed this (or a session request without its CSRF token).",
    "not_found": "The object does not exist, or is not yours.",
    "too_large": "The request body is larger than the server accepts.",
    "unsupported_media_type": "The body's Content-Type is not one this operation reads.",
    "unavailable": "The database could not be reached: nothing was changed, retry after `Retry-After` seconds.",
    "busy": "A row this write needed stayed locked too long (or a deadlock was broken): nothing was changed, "
    "retry after `Retry-After` seconds.",
    "idempotency_key_reused": "This Idempotency-Key was already used with another request body.",
    "idempotency_key_in_flight": "The request's twin (same Idempotency-Key) is still running: retry after "
    "`Retry-After` seconds.",
    "rate_limited": "Too many requests: retry after `Retry-After` seconds.",
}
GENERIC_STATUS = {
    "validation_error": 400,
    "parse_error": 400,
    "not_authenticated": 401,
    "permission_denied": 403,
    "not_found": 404,
    "too_large": 413,
    "unsupported_media_type": 415,
    "busy": 409,
    "idempotency_key_reused": 409,
    "idempotency_key_in_flight": 409,
    "rate_limited": 429,
    "unavailable": 503,
}


def api_errors(*errors: type[DomainError]) -> Callable[[F], F]:
    """Declares the domain errors an API method can raise (repeatable; declarations add up)."""
    for error in errors:
        if not (isinstance(error, type) and issubclass(error, DomainError)):
            raise TypeError(f"api_errors takes DomainError classes, not {error!r}")

    def decorate(method: F) -> F:
        method.api_errors = (*getattr(method, "api_errors", ()), *errors)  # type: ignore[attr-defined]
        return method

    return decorate


def declared_errors(view: Any, method: str) -> tuple[type[DomainError], ...]:
    """The DomainErrors declared on the view's handler for `method` (and on the view class, for all)."""
    handler = getattr(view, method.lower(), None)
    return (*getattr(type(view), "api_errors", ()), *getattr(handler, "api_errors", ()))


def accepts_idempotency_key(view: Any, method: str) -> bool:
    handler = getattr(view, method.lower(), None)
    return bool(getattr(handler, "accepts_idempotency_key", False) or getattr(view, "accepts_idempotency_key", False))


def error_component_schema() -> dict:
    """The one error shape of the API (shared/API.md): {"error": {"code", "message", "fields"?, "details"?}}."""
    return {
        "type": "object",
        "description": "Every error answer of the API. `code` is stable and machine-readable; `message` is "
        "for people, in the request's language.",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "description": "For validation_error: the field (or `non_field_errors`) → its messages; "
                        "a nested object's fields nest the same way.",
                        # A list of messages, a nested object's fields, or a list of either (many=True).
                        "additionalProperties": {
                            "anyOf": [
                                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
                                {"type": "object", "additionalProperties": True},
                            ]
                        },
                    },
                    "details": {
                        "type": "object",
                        "description": "Facts about the error, e.g. out_of_stock: {sku, available}.",
                        "additionalProperties": True,
                    },
                },
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
    }


def _error_response(codes: dict[str, str], *, retry_after: str | None) -> dict:
    """A response of the shared error shape whose `code` is one of `codes` (code → what it means)."""
    schema = {
        "allOf": [
            {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"},
            {
                "type": "object",
                "properties": {"error": {"type": "object", "properties": {"code": {"enum": sorted(codes)}}}},
            },
        ]
    }
    response: dict[str, Any] = {
        "description": "\n".join(f"- `{code}`: {meaning}" for code, meaning in sorted(codes.items())),
        "content": {"application/json": {"schema": schema}},
    }
    if retry_after:
        response["headers"] = {
            "Retry-After": {
                "schema": {"type": "integer", "minimum": 1},
                "description": "Seconds to wait before retrying.",
                "required": retry_after == "required",
            }
        }
    return response


class ErrorsAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus every operation's error answers (and its Idempotency-Key header)."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        if accepts_idempotency_key(self.view, self.method):
            self._add_idempotency_header(operation)
        errors = self.operation_errors(operation)
        if errors:
            registry.register_on_missing(
                ResolvedComponent(
                    name=ERROR_COMPONENT,
                    type=ResolvedComponent.SCHEMA,
                    object=ERROR_COMPONENT,
                    schema=error_component_schema(),
                )
            )
        for status, codes in sorted(errors.items()):
            if str(status) in operation["responses"]:
                continue  # the view documents this status itself
            retry_after = None
            if status in RETRY_AFTER_STATUSES:
                retry_after = "required"
            elif codes.keys() & {"busy", "idempotency_key_in_flight"}:
                retry_after = "optional"
            operation["responses"][str(status)] = _error_response(codes, retry_after=retry_after)
        return operation

    def _add_idempotency_header(self, operation: dict) -> None:
        parameters = operation.setdefault("parameters", [])
        if any(p.get("in") == "header" and p.get("name") == IDEMPOTENCY_HEADER for p in parameters):
            return
        parameters.append(
            {
                "in": "header",
                "name": IDEMPOTENCY_HEADER,
                "required": False,
                "schema": {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX_LENGTH},
                "description": "Scoped to the user: the same key and body replays the first answer; the same "
                "key with another body is a 409 `idempotency_key_reused`.",
            }
        )

    def operation_errors(self, operation: dict) -> dict[int, dict[str, str]]:
        """status → {code: meaning} for this operation: inferred from its kind, plus the declared ones."""
        errors: dict[int, dict[str, str]] = defaultdict(dict)
        for code in self._inferred_errors(operation):
            errors[GENERIC_STATUS[code]][code] = GENERIC_MESSAGES[code]
        for error in declared_errors(self.view, self.method):
            errors[error.status][error.code] = str(error.default_message)
            if issubclass(error, RateLimited) and error.status == 429:
                errors[429]["rate_limited"] = GENERIC_MESSAGES["rate_limited"]
        return dict(errors)

    def _inferred_errors(self, operation: dict) -> list[str]:
        codes = ["unavailable"]
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        if has_body:
            codes += ["validation_error", "parse_error", "too_large", "unsupported_media_type"]
        elif any(p.get("in") in ("query", "header") for p in parameters):
            codes.append("validation_error")
        authenticators = self.view.get_authenticators()
        allow_any = any(isinstance(p, permissions.AllowAny) for p in self.view.get_permissions())
        if authenticators:
            # Without AllowAny: no credentials. With it: credentials that are not valid (a stale token).
            codes.append("not_authenticated")
        unsafe = self.method not in permissions.SAFE_METHODS
        csrf = unsafe and any(isinstance(a, SessionAuthentication) for a in authenticators)
        if not allow_any or csrf:
            codes.append("permission_denied")
        if (
            any(p.get("in") == "path" or (p.get("in") == "query" and p.get("name") == "page") for p in parameters)
            or "/seller/" in self.path
        ):
            # An id that is not there or not yours, a page past the last; the seller routes' access check answers
            # someone without a shop (or without the role) the same 404 (API.md).
            codes.append("not_found")
        if unsafe or any(issubclass(e, Busy) for e in declared_errors(self.view, self.method)):
            # The exception handler answers any lock timeout or broken deadlock of a write with `busy`.
            codes.append("busy")
        if accepts_idempotency_key(self.view, self.method):
            codes += ["validation_error", "idempotency_key_reused", "idempotency_key_in_flight"]
        if getattr(self.view, "throttle_classes", None):
            codes.append("rate_limited")
        return codes
