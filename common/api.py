"""API plumbing shared by every app: the error shape, pagination, the 404 for unknown paths."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db import OperationalError
from django.http import Http404, JsonResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.db import is_lock_timeout
from common.errors import Busy, DomainError, ServiceUnavailable
from common.openapi_check import check_error_answer

logger = logging.getLogger(__name__)


def error_body(code: str, message: str, *, fields: dict | None = None, details: dict | None = None) -> dict:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    if details:
        error["details"] = details
    return {"error": error}


def _flatten_fields(detail: Any) -> dict[str, Any]:
    """DRF's nested error detail → {field: [messages]} (nested objects keep their nesting)."""
    if isinstance(detail, dict):
        return {str(k): _field_messages(v) for k, v in detail.items()}
    return {"non_field_errors": _field_messages(detail)}


def _field_messages(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _field_messages(v) for k, v in value.items()}
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return [str(v) for v in value]
        return [_field_messages(v) for v in value]
    return [str(value)]


_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.Throttled: "rate_limited",
}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every API error, in one shape: {"error": {"code", "message", "fields"?, "details"?}}.

    With API_ERRORS_CHECK on (tests), an answer its operation's schema does not document is recorded."""
    response = _error_response(exc, context)
    if response is not None:
        check_error_answer(context.get("request"), response.status_code, response.data)
    return response


def _error_response(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return Response(
            error_body(exc.code, exc.message, fields=exc.fields, details=exc.details),
            status=exc.status,
            headers=headers,
        )
    if isinstance(exc, OperationalError):
        # A lock wait that timed out, or a database that is gone: the client retries; nothing was written.
        logger.warning("Database trouble in %s: %s", context.get("view").__class__.__name__, exc)
        exc = Busy() if is_lock_timeout(exc) else ServiceUnavailable()
        return Response(
            error_body(exc.code, str(exc.message)), status=exc.status, headers={"Retry-After": str(exc.retry_after)}
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("too_large", gettext("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(
            error_body("validation_error", gettext("Some fields are not valid."), fields=fields),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "validation_error", gettext("Some fields are not valid."), fields=_flatten_fields(exc.detail)
        )
        return response
    code = next((c for cls, c in _DRF_CODES.items() if isinstance(exc, cls)), None)
    if code is None:
        code = exc.default_code if isinstance(exc, exceptions.APIException) else "error"
    message = exc.detail if isinstance(getattr(exc, "detail", None), str) else str(getattr(exc, "detail", exc))
    response.data = error_body(code, str(message))
    return response


def json_error_response(code: str, message: str, status_code: int, **extra: Any) -> JsonResponse:
    return JsonResponse(
        error_body(code, message, **extra), status=status_code, json_dumps_params={"ensure_ascii": False}
    )


_paginated_components: dict[type, type] = {}


def paginated(item_serializer: type, **extra_fields) -> type:
    """The schema of a page from Pagination: {count, next, previous, results: [item]} (plus extra fields).

    For APIViews that paginate by hand, where drf-spectacular cannot see the pagination.
    """
    from rest_framework import serializers

    if item_serializer not in _paginated_components or extra_fields:
        name = f"Paginated{item_serializer.__name__.removesuffix('Out')}List"
        fields = {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
            **extra_fields,
        }
        component = type(name, (serializers.Serializer,), fields)
        if extra_fields:
            return component
        _paginated_components[item_serializer] = component
    return _paginated_components[item_serializer]


class CappedCountPaginator(DjangoPaginator):
    """Counts at most COUNT_CAP rows: an exact count of a million matches costs more than the page. A queryset
    with a `capped_count(cap=…)` method counts itself (catalog's products: cached per listings' version)."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self) -> int:
        object_list = self.object_list
        counter = getattr(object_list, "capped_count", None)
        if counter is not None:
            return counter(cap=self.COUNT_CAP)
        if hasattr(object_list, "count") and hasattr(object_list, "query"):
            # Without ORDER BY: counting 10,000 rows in index order (a price-sorted search walking the
            # price index past every non-match) cost a second at 1M products; unordered it is a bitmap scan.
            return object_list.order_by()[: self.COUNT_CAP].count()
        return len(object_list)


class Pagination(PageNumberPagination):
    django_paginator_class = CappedCountPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
