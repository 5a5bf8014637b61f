"""The schema generator documents every operation's errors; the checks that keep the schemas true catch lies."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.errors import Busy, InvalidState, RateLimited
from common.openapi import api_errors
from common.openapi_check import api_schema, check_error_answer, documented_codes, take_undeclared
from common.ws_schema import ws_schema
from tests.openapi import plugin


class _Thing(APIView):
    @extend_schema(request=None, responses={200: None})
    @api_errors(InvalidState, Busy, RateLimited)
    def post(self, request, thing_id: int):
        return Response({})

    @extend_schema(responses={200: None})
    def get(self, request, thing_id: int):
        return Response({})


class _Open(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    accepts_idempotency_key = True

    @extend_schema(request={"application/json": {"type": "object"}}, responses={201: None})
    def post(self, request):
        return Response({}, status=201)


def _schema_of(*patterns) -> dict:
    return SchemaGenerator(patterns=list(patterns)).get_schema(request=None, public=True)


def _codes(operation: dict) -> dict[str, set[str]]:
    return {status: documented_codes(operation, int(status)) for status in operation["responses"] if status >= "400"}


def test_declared_and_inferred_errors_are_documented_per_status_with_a_code_enum():
    schema = _schema_of(path("things/<int:thing_id>/", _Thing.as_view()), path("open/", _Open.as_view()))
    post = schema["paths"]["/things/{thing_id}/"]["post"]
    assert _codes(post) == {
        "401": {"not_authenticated"},
        "403": {"permission_denied"},
        "404": {"not_found"},
        "409": {"invalid_state", "busy"},
        "429": {"rate_limited"},
        "503": {"unavailable"},
    }
    assert post["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    assert post["responses"]["503"]["headers"]["Retry-After"]["required"] is True
    assert post["responses"]["409"]["headers"]["Retry-After"]["required"] is False  # only busy sends it
    assert post["responses"]["409"]["content"]["application/json"]["schema"]["allOf"][0] == {
        "$ref": "#/components/schemas/Error"
    }
    # Declarations belong to their method only; a read is never busy.
    assert "409" not in schema["paths"]["/things/{thing_id}/"]["get"]["responses"]
    assert "429" not in schema["paths"]["/things/{thing_id}/"]["get"]["responses"]

    open_post = schema["paths"]["/open/"]["post"]
    # No authentication classes: no 401, no CSRF 403; a body: validation, parse, size and media type errors; a
    # write: busy; an Idempotency-Key: its two conflicts.
    assert _codes(open_post) == {
        "400": {"validation_error", "parse_error"},
        "409": {"busy", "idempotency_key_reused", "idempotency_key_in_flight"},
        "413": {"too_large"},
        "415": {"unsupported_media_type"},
        "503": {"unavailable"},
    }
    header = [p for p in open_post["parameters"] if p["in"] == "header"]
    assert header == [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
            "description": header[0]["description"],
        }
    ]
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]


def test_every_operation_of_the_api_documents_its_errors():
    schema = api_schema()
    assert "Error" in schema["components"]["schemas"]
    for route, operations in schema["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {route}"
            assert "unavailable" in documented_codes(operation, 503), where
            if "{" in route or any(p["name"] == "page" for p in operation.get("parameters", [])):
                assert "not_found" in documented_codes(operation, 404), where  # no such id; a page past the last
            if "requestBody" in operation:
                assert {"validation_error", "parse_error"} <= documented_codes(operation, 400), where


HINT = "(declare the error with @api_errors on the view method, see common/openapi.py)"


def _request(method: str, url: str):
    return SimpleNamespace(method=method, path=url)


def test_an_error_the_schema_does_not_document_is_recorded(settings):
    settings.API_ERRORS_CHECK = "strict"
    take_undeclared()
    check_error_answer(_request("GET", "/api/v1/cart/"), 401, {"error": {"code": "not_authenticated"}})
    check_error_answer(_request("PATCH", "/api/v1/cart/items/12/"), 404, {"error": {"code": "not_found"}})
    assert take_undeclared() == []

    check_error_answer(_request("GET", "/api/v1/cart/"), 401, {"error": {"code": "out_of_stock"}})
    check_error_answer(_request("GET", "/api/v1/cart/"), 418, {"error": {"code": "teapot"}})
    found = take_undeclared()
    assert len(found) == 2
    assert found[0].startswith("GET /api/v1/cart/ answered 401 `out_of_stock`: the schema lists ['not_authenticated']")
    assert found[1] == "GET /api/v1/cart/ answered 418 `teapot`: the schema lists no 418"

    settings.API_ERRORS_CHECK = None
    check_error_answer(_request("GET", "/api/v1/cart/"), 418, {"error": {"code": "teapot"}})
    assert take_undeclared() == []


def test_the_exception_handler_hands_its_answers_to_the_check(settings, api_client, db, monkeypatch):
    settings.API_ERRORS_CHECK = "strict"
    take_undeclared()
    response = api_client.get("/api/v1/cart/")
    assert response.status_code == 401
    assert take_undeclared() == []  # documented
    response = api_client.get("/api/v1/cart/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401 and take_undeclared() == []
    response = api_client.get("/api/v1/products/", {"page_size": "many"})
    assert response.status_code in (200, 400) and take_undeclared() == []

    # Were the schema to list nothing for a 401, the handler's answer would be recorded.
    monkeypatch.setattr("common.openapi_check.documented_codes", lambda operation, status: set())
    assert api_client.get("/api/v1/cart/").status_code == 401
    assert take_undeclared() == ["GET /api/v1/cart/ answered 401 `not_authenticated`: the schema lists [] " + HINT]


def test_every_frame_schema_is_a_valid_json_schema():
    from jsonschema import Draft202012Validator

    document = ws_schema()
    assert set(document["sockets"]) == {"chat", "chat_inbox", "notifications", "show"}
    for socket in document["sockets"].values():
        for direction in ("server", "client"):
            for schema in socket[direction].values():
                Draft202012Validator.check_schema({**schema, "$defs": document["$defs"]})


def test_a_frame_its_socket_does_not_document_is_caught():
    plugin._bad_frames.clear()
    plugin.check_frame("/ws/chat/7/", '{"type": "typing", "role": "buyer", "user": {"id": 1, "username": "li"}}')
    plugin.check_frame("/ws/notifications/", '{"type": "unread", "unread": 3}')
    plugin.check_frame("/ws/elsewhere/", '{"type": "anything"}')  # not a documented socket
    assert plugin._bad_frames == []

    plugin.check_frame("/ws/chat/7/?after=3", '{"type": "typing", "role": "boss", "user": {"id": 1, "username": "li"}}')
    plugin.check_frame("/ws/shows/3/", '{"type": "stats", "viewers": 1, "likes": 2, "extra": true}')
    plugin.check_frame("/ws/notifications/", '{"type": "gossip"}')
    found = list(plugin._bad_frames)
    plugin._bad_frames.clear()
    assert len(found) == 3, found
    assert found[0].startswith("/ws/chat/7/: `typing` frame at role: 'boss' is not one of ['buyer', 'seller']")
    assert "Additional properties are not allowed ('extra' was unexpected)" in found[1]
    assert found[2].startswith("/ws/notifications/: frame type 'gossip' is not documented")


@pytest.mark.django_db
def test_the_frames_document_is_served_beside_the_openapi_schema(client):
    response = client.get("/api/schema/ws/")
    assert response.status_code == 200
    assert response.json()["sockets"]["show"]["path"] == "/ws/shows/{show_id}/"
    assert response.json()["sockets"]["chat"]["server"]["message"]["properties"]["message"] == {
        "$ref": "#/$defs/MessageOut"
    }


@pytest.mark.django_db
def test_api_bodies_are_json_a_form_twin_is_a_documented_415(client, settings):
    """A form body could not carry what a JSON body's schema states (nulls, lists, nested objects)."""
    settings.API_ERRORS_CHECK = "strict"
    take_undeclared()
    response = client.post("/api/v1/auth/register/", {"username": "li", "email": "li@example.com", "password": "x"})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert take_undeclared() == []
    content = api_schema()["paths"]["/api/v1/auth/register/"]["post"]["requestBody"]["content"]
    assert list(content) == ["application/json"]
