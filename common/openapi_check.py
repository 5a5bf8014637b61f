"""Keeps the schema's error declarations true: every error the API answers must be one its operation documents.

With the setting API_ERRORS_CHECK on ("strict" or "report"; the test suite turns it on), the exception handler
hands each error answer to `check_error_answer`, which looks the request's operation up in the generated
schema and records an answer whose status or `code` the schema does not list for it. The test suite's autouse
fixture (tests/openapi/plugin.py) fails the test on such a record ("strict") or writes it down ("report").
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from django.conf import settings

_undeclared: list[str] = []


_building = threading.Lock()


@cache
def api_schema() -> dict:
    """The OpenAPI document /api/schema/ serves (built once per process, by one thread: drf-spectacular's
    generator is not safe to run in several at once, as a test's concurrent requests would)."""
    from drf_spectacular.generators import SchemaGenerator

    with _building:
        return SchemaGenerator().get_schema(request=None, public=True)


@cache
def _path_patterns() -> list[tuple[re.Pattern, str]]:
    """(regex, schema path), literal paths before templated ones so /orders/cart/ wins over /orders/{number}/."""
    paths = sorted(api_schema()["paths"], key=lambda p: (p.count("{"), p))
    return [(re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(p)) + "$"), p) for p in paths]


def operation_for(method: str, path: str) -> tuple[str, dict] | None:
    """(schema path, operation) of a request, or None when the schema has no such operation."""
    for pattern, template in _path_patterns():
        if pattern.match(path):
            # The first path that matches is the request's (literal before templated): a method it lacks is
            # no operation, even if a templated path beside it has one (/staff/invitations/ vs /staff/{id}/).
            operation = api_schema()["paths"][template].get(method.lower())
            return (template, operation) if operation is not None else None
    return None


def documented_codes(operation: dict, status: int) -> set[str] | None:
    """The error codes `operation` documents for `status` (None: the status is not documented at all)."""
    response = operation["responses"].get(str(status))
    if response is None:
        return None
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    for part in schema.get("allOf", []):
        enum = part.get("properties", {}).get("error", {}).get("properties", {}).get("code", {}).get("enum")
        if enum is not None:
            return set(enum)
    return set()


def check_error_answer(request: Any, status: int, body: Any) -> None:
    """Records an error answer its operation does not document (when API_ERRORS_CHECK is on)."""
    if not getattr(settings, "API_ERRORS_CHECK", None) or request is None:
        return
    found = operation_for(request.method, request.path)
    if found is None:
        return
    template, operation = found
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    codes = documented_codes(operation, status)
    if codes is None:
        _undeclared.append(f"{request.method} {template} answered {status} `{code}`: the schema lists no {status}")
    elif code not in codes:
        _undeclared.append(
            f"{request.method} {template} answered {status} `{code}`: the schema lists {sorted(codes)} "
            f"(declare the error with @api_errors on the view method, see common/openapi.py)"
        )


def take_undeclared() -> list[str]:
    """The undeclared answers recorded since the last call (and forgets them)."""
    found = list(dict.fromkeys(_undeclared))
    _undeclared.clear()
    return found
