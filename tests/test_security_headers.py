"""Security headers on every page: CSP (no inline script without the nonce), frame options, referrer
policy, nosniff, and HSTS in production; and no page carries an inline script the CSP would block."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.test_access_matrix import MATRIX, _client, _url
from tests.world import BUYER_OF, SELLERS_OF

PAGES = sorted(
    name
    for name, route in MATRIX.items()
    if "get" in route.methods and route.policy != "nobody" and not name.startswith("api:") and name != "schema"
)
SCRIPT_TAG = re.compile(rb"<script\b([^>]*)>", re.I)


def _viewer(route) -> str:
    if route.policy in {"public", "anonymous_only"}:
        return "anonymous"
    if route.policy == "operator":
        return "operator"
    if route.policy == "seller":
        return next(iter(SELLERS_OF["A"]))
    return BUYER_OF["A"]


def _csp_directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_security_headers(world, db, name):
    route = MATRIX[name]
    response = _client(world, _viewer(route)).get(_url(name, route, world, "A" if route.objects else None), follow=True)
    assert response.status_code == 200, (name, response.status_code, response.get("Location"))

    csp = _csp_directives(response["Content-Security-Policy"])
    nonce = next(v for v in csp["script-src"] if v.startswith("'nonce-"))
    assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"

    # Every script is a file of ours, a JSON data block, or carries this response's nonce.
    for attributes in SCRIPT_TAG.findall(response.content):
        ok = (
            b"src=" in attributes
            or b'type="application/json"' in attributes
            or f'nonce="{nonce[7:-1]}"'.encode() in attributes
        )
        assert ok, (name, attributes)
    assert not re.search(rb"\son[a-z]+=\"", response.content), "inline event handlers are blocked by the CSP"


def test_each_response_gets_its_own_nonce(db):
    first = Client().get("/")["Content-Security-Policy"]
    second = Client().get("/")["Content-Security-Policy"]
    assert first != second


def test_api_and_error_answers_carry_the_headers_too(db):
    for path, status in [("/api/v1/products/", 200), ("/api/v1/nothing/", 404), ("/no-such-page/", 404)]:
        response = Client().get(path)
        assert response.status_code == status
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_hsts_in_production(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert Client().get("/").status_code == 301  # plain HTTP goes to HTTPS
    response = Client().get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
