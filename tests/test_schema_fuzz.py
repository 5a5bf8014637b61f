"""Schema fuzzing: schemathesis generates requests from /api/schema/ and sends them through the WSGI app,
signed in as a buyer and as a seller of the sweep's world. Checks: no 5xx, every 4xx in the error
shape {"error": {"code", "message"}}, and answers match the schema where it declares them.

Bounded: a few examples per operation, no deadline per example (the machine is shared).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.factories import token_for

MAX_EXAMPLES = 6


def _load_schema():
    # Loading the schema is one anonymous GET that touches no database, so it happens at import.
    from marketplace.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


schema = _load_schema()


def error_shape(ctx, response, case) -> None:
    """Every 4xx answer is {"error": {"code": str, "message": str, ...}} (API.md)."""
    if 400 <= response.status_code < 500:
        try:
            body = response.json()
        except ValueError:
            raise AssertionError(f"{response.status_code} is not JSON: {response.text[:300]!r}") from None
        error = body.get("error") if isinstance(body, dict) else None
        assert isinstance(error, dict), f"{response.status_code} without the error shape: {body!r}"[:500]
        assert isinstance(error.get("code"), str) and isinstance(error.get("message"), str), body


@pytest.fixture
def _keep_test_connection():
    """The WSGI app would close the database connection after each request (CONN_MAX_AGE=0), and with it
    the test's transaction; Django's own test client disconnects the same handlers."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _fuzz(case, world, role: str) -> None:
    headers = {"Authorization": f"Token {token_for(world.users[role])}"}
    if case.path == "/api/v1/payments/notify/sandbox/":
        # The provider's callback is signed: fuzzed bodies are 400s; its own tests cover it in depth.
        headers["X-Sandbox-Signature"] = "t=1,v1=00"
    case.call_and_validate(
        headers=headers, checks=[not_a_server_error, response_schema_conformance], additional_checks=[error_shape]
    )


FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@FUZZ
@pytest.mark.slow
def test_api_answers_by_its_schema_as_a_buyer(case, world, db, _keep_test_connection):
    _fuzz(case, world, "buyer_a")


@schema.parametrize()
@FUZZ
@pytest.mark.slow
def test_api_answers_by_its_schema_as_a_seller(case, world, db, _keep_test_connection):
    _fuzz(case, world, "seller_a")


# --- what the fuzzer found, kept as plain regression tests ------------------------------------------------


def test_unsafe_methods_on_unknown_api_paths_are_json_404_even_with_a_session(world, db):
    """Was an HTML CSRF 403 page: a path outside the URL converters (/seller/skus/null,null/) fell through
    to the catch-all, and CSRF ran before it."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["seller_a"])
    for method in ("post", "patch", "delete"):
        response = getattr(client, method)("/api/v1/seller/skus/null,null/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_csrf_refusal_under_api_is_in_the_error_shape(settings):
    from django.test import RequestFactory

    from marketplace.views.errors import csrf_failure

    response = csrf_failure(RequestFactory().post("/api/v1/anything/"), reason="no token")
    assert response.status_code == 403
    assert b'"code": "permission_denied"' in response.content


def test_paginated_lists_are_declared_as_pages(db):
    from django.test import Client

    schema = Client().get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/products/",
        "/api/v1/orders/",
        "/api/v1/conversations/",
        "/api/v1/notifications/",
        "/api/v1/seller/payouts/",
        "/api/v1/seller/statement/",
        "/api/v1/seller/orders/",
    ):
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert {"count", "next", "previous", "results"} <= set(component["properties"]), path
