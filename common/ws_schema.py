"""The WebSocket frames, documented: a JSON Schema per frame type and direction for every socket.

Served at GET /api/schema/ws/ beside the OpenAPI schema. Payloads are the serializers that build the frames
(or the REST answers' serializers, where a frame carries the same object), mapped by drf-spectacular as in
/api/schema/; a frame that has a `*Frame` serializer is that serializer. The test suite validates every frame
a test receives against this document (tests/openapi/plugin.py), so it cannot drift.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.module_loading import import_string
from drf_spectacular.plumbing import ComponentRegistry
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from common.openapi import ErrorsAutoSchema

Schema = dict[str, Any]
# A frame's field: a JSON Schema, or the dotted path of the serializer that builds it.
Field = Schema | str


@dataclass(frozen=True)
class Optional:
    """A frame field that may be absent."""

    schema: Field


@dataclass
class Frame:
    type: str
    fields: dict[str, Field | Optional] = field(default_factory=dict)
    description: str = ""
    serializer: str | None = None  # a whole-frame serializer (with its own `type` field), instead of `fields`


@dataclass
class Socket:
    name: str
    path: str
    description: str
    server: list[Frame]
    client: list[Frame]


INT = {"type": "integer"}
STR = {"type": "string"}
ROLE = {"type": "string", "enum": ["buyer", "seller"]}
USER = {
    "type": "object",
    "properties": {"id": INT, "username": STR},
    "required": ["id", "username"],
    "additionalProperties": False,
}
CLIENT_ID = {"type": ["string", "null"], "maxLength": 64}
SHOW_STATUS = {"type": "string", "enum": ["scheduled", "live", "ended"]}


def error_frame(description: str = "A frame this socket could not act on (`code`: invalid, rate_limited, …).") -> Frame:
    return Frame(
        "error",
        {
            "code": STR,
            "message": STR,
            "retry_after": Optional({"type": "integer", "minimum": 1}),
            "client_id": Optional(CLIENT_ID),
        },
        description,
    )


UNREAD = Frame(
    "unread",
    {
        "total": INT,
        "buyer": INT,
        "seller": INT,
        "conversation": "chat.serializers.ConversationOut?",
    },
    "Unread chat counts (as a buyer, for the shop, together); `conversation` is the row that changed, or null.",
)

SOCKETS = [
    Socket(
        "chat",
        "/ws/chat/{conversation_id}/",
        "One conversation (API.md, Chat). Close 4401 without a user, 4404 if not a participant.",
        server=[
            Frame(
                "message",
                {"message": "chat.serializers.MessageOut"},
                "A message (text, a product card, a photo, the shop's offer or the buyer's counter-proposal), "
                "stored before it is sent.",
            ),
            Frame("read", {"role": ROLE, "up_to": INT, "user": USER}, "One side read up to a message."),
            Frame("typing", {"role": ROLE, "user": USER}, "The other side is typing."),
            Frame(
                "notice",
                {"code": {"enum": ["contact_details_masked"]}, "message": STR, "message_id": INT},
                "To the sender only: contact details in the message were masked (the message carries the flag).",
            ),
            Frame("offer", {"offer": "offers.serializers.OfferOut"}, "An offer of the conversation changed state."),
            UNREAD,
            error_frame(),
        ],
        client=[
            Frame("message", {"text": {"type": "string", "minLength": 1}, "client_id": Optional(CLIENT_ID)}),
            Frame("product", {"product": INT, "client_id": Optional(CLIENT_ID)}),
            Frame("read", {"up_to": INT}),
            Frame("typing"),
        ],
    ),
    Socket(
        "chat_inbox",
        "/ws/chat/inbox/",
        "One person's unread chat counts and inbox rows, live; the current counts when it opens.",
        server=[UNREAD, Frame("pong"), error_frame()],
        client=[Frame("ping")],
    ),
    Socket(
        "notifications",
        "/ws/notifications/",
        "The signed-in person's notifications, pushed; the unread count when it opens. It only pushes.",
        server=[
            Frame("notification", serializer="notifications.serializers.NotificationFrame"),
            Frame("unread", serializer="notifications.serializers.UnreadFrame"),
            error_frame("Any frame sent to this socket: `read_only`."),
        ],
        client=[],
    ),
    Socket(
        "show",
        "/ws/shows/{show_id}/",
        "A live show's room (API.md, Live selling): anyone watches, signed-in viewers write. `?after=<id>` "
        "resends the chat after that message. Close 4404 for no such show, 4403 when removed from it.",
        server=[
            Frame("status", {"status": SHOW_STATUS, "hls_url": Optional({"type": ["string", "null"]})}),
            Frame("stats", {"viewers": INT, "likes": INT}, "At most once a second."),
            Frame("message", {"message": "live.serializers.RoomMessageOut"}),
            Frame(
                "chat_batch",
                {"messages": {"type": "array", "items": "live.serializers.RoomMessageOut"}},
                "Chat messages of one interval, oldest first (also the history when the socket opens).",
            ),
            Frame("message_hidden", {"id": INT}, "A message a moderator removed."),
            Frame(
                "notice",
                {"code": STR, "message": STR, "until": Optional({"type": ["string", "null"]})},
                "For this viewer only: `muted` (until), `removed`.",
            ),
            Frame(
                "pinned",
                {"product": "live.serializers.PinnedProductOut?"},
                "The product pinned now (null: none); also sent when the socket opens.",
            ),
            Frame(
                "deal",
                serializer="deals.serializers.DealFrame",
                description="A flash deal: on every status change (upcoming → open → ended, on the server's "
                "clock) and, at most ~4 a second, when `remaining` changes; `deal.now` is the server's clock.",
            ),
            Frame(
                "tip",
                serializer="tips.serializers.TipFrame",
                description="A tip was paid: who sent it and how much (flowers in the room; no ranking).",
            ),
            error_frame("`muted`, `slow_mode`, `rate_limited`, `not_authenticated`, `invalid`, …"),
        ],
        client=[
            Frame("message", {"text": {"type": "string", "minLength": 1}, "client_id": Optional(CLIENT_ID)}),
            Frame("like"),
        ],
    ),
]


class _Mapper:
    """drf-spectacular's serializer mapping, outside an operation; components collected in one registry."""

    def __init__(self) -> None:
        view = APIView()
        view.request = None
        view.format_kwarg = None
        self.auto = ErrorsAutoSchema()
        self.auto.view = view
        self.auto.registry = ComponentRegistry()
        self.auto.method, self.auto.path = "GET", "/ws/"

    def serializer(self, dotted: str) -> Schema:
        return self.auto.resolve_serializer(import_string(dotted), "response").ref

    def field(self, value: Field) -> Schema:
        if isinstance(value, str):
            nullable = value.endswith("?")
            ref = self.serializer(value.rstrip("?"))
            return {"anyOf": [ref, {"type": "null"}]} if nullable else ref
        value = dict(value)
        if isinstance(value.get("items"), str):
            value["items"] = self.field(value["items"])
        return value

    def frame(self, frame: Frame) -> Schema:
        if frame.serializer:
            schema = self.serializer(frame.serializer)
        else:
            properties: dict[str, Schema] = {"type": {"const": frame.type}}
            required = ["type"]
            for name, value in frame.fields.items():
                if isinstance(value, Optional):
                    properties[name] = self.field(value.schema)
                else:
                    properties[name] = self.field(value)
                    required.append(name)
            schema = {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
        if frame.description:
            schema = {**schema, "description": frame.description} if "$ref" not in schema else schema
        return schema

    def components(self) -> dict[str, Schema]:
        built = self.auto.registry.build({}).get("schemas", {})
        return {name: _json_schema(component, closed=True) for name, component in built.items()}


def _json_schema(node: Any, *, closed: bool = False) -> Any:
    """OpenAPI 3.0 → JSON Schema 2020-12: `nullable`, refs into $defs, no x- keys; objects of a serializer
    are closed (a frame field the serializer does not declare is a lie)."""
    if isinstance(node, list):
        return [_json_schema(item, closed=closed) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _json_schema(v, closed=closed) for k, v in node.items() if not k.startswith("x-") and k != "nullable"}
    if "$ref" in out:
        out["$ref"] = re.sub(r"^#/components/schemas/", "#/$defs/", out["$ref"])
    if closed and out.get("type") == "object" and "properties" in out:
        out.setdefault("additionalProperties", False)
    if node.get("nullable"):
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


@cache
def ws_schema() -> dict:
    """The document: {sockets: {name: {path, description, server: {type: schema}, client: {…}}}, $defs}."""
    mapper = _Mapper()
    sockets = {
        socket.name: {
            "path": socket.path,
            "description": socket.description,
            "server": {frame.type: _json_schema(mapper.frame(frame)) for frame in socket.server},
            "client": {frame.type: _json_schema(mapper.frame(frame)) for frame in socket.client},
        }
        for socket in SOCKETS
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Marketplace WebSocket frames",
        "description": "Every socket's frames, one JSON Schema per frame `type` and direction "
        "(server: server → client; client: client → server). Frames are JSON text.",
        "sockets": sockets,
        "$defs": mapper.components(),
    }


def socket_for(path: str) -> str | None:
    """The name of the socket a URL path belongs to (None: not a documented socket)."""
    for socket in SOCKETS:
        pattern = "^" + re.sub(r"\\{[^}]+\\}", "[0-9]+", re.escape(socket.path)) + "$"
        if re.match(pattern, path):
            return socket.name
    return None


def frame_schema(socket: str, direction: str, frame_type: str) -> Schema | None:
    """A frame's schema, standalone (with the document's $defs), or None when the type is not documented."""
    document = ws_schema()
    schema = document["sockets"][socket][direction].get(frame_type)
    if schema is None:
        return None
    return {**copy.deepcopy(schema), "$defs": document["$defs"]}


class WsSchemaApi(APIView):
    """GET /api/schema/ws/: the WebSocket frames' document (public, like /api/schema/; not an API operation)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    schema = None

    def get(self, request):
        return Response(ws_schema())


ws_schema_view = WsSchemaApi.as_view()
