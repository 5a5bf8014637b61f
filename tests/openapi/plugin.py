"""Test-suite checks that the published schemas tell the truth (loaded from conftest.py as a pytest plugin).

- API errors: every error answer of the API must be documented by its operation in /api/schema/
  (common/openapi_check.py). API_ERRORS_CHECK=strict (the default) fails the test that saw an undocumented
  one; =report only writes them down (to the file named by API_ERRORS_REPORT, else as a warning); =off.
- WebSocket frames: every frame a test receives from a documented socket, through channels'
  WebsocketCommunicator or the websockets client, must match its schema in GET /api/schema/ws/
  (common/ws_schema.py); the test fails otherwise (WS_FRAMES_CHECK=report only warns).
"""

from __future__ import annotations

import json
import os
import warnings
from functools import cache

import pytest

MODE = os.environ.get("API_ERRORS_CHECK", "strict")
WS_MODE = os.environ.get("WS_FRAMES_CHECK", "strict")
_bad_frames: list[str] = []


@pytest.fixture(scope="session", autouse=True)
def _api_errors_check_on():
    from django.conf import settings

    settings.API_ERRORS_CHECK = None if MODE == "off" else MODE
    yield


@pytest.fixture(autouse=True)
def _api_errors_documented(request):
    from common.openapi_check import take_undeclared

    take_undeclared()
    yield
    found = take_undeclared()
    if not found:
        return
    if MODE == "strict":
        pytest.fail("The API answered errors its schema does not document:\n- " + "\n- ".join(found), pytrace=False)
    report = os.environ.get("API_ERRORS_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            for line in found:
                out.write(json.dumps({"test": request.node.nodeid, "error": line}, ensure_ascii=False) + "\n")
    else:
        warnings.warn("undocumented API errors: " + "; ".join(found), stacklevel=1)


@cache
def _frame_validator(socket: str, frame_type: str):
    from jsonschema import Draft202012Validator

    from common.ws_schema import frame_schema

    schema = frame_schema(socket, "server", frame_type)
    return None if schema is None else Draft202012Validator(schema)


def check_frame(path: str, text: object) -> None:
    """Records a received frame that its socket's schema does not describe."""
    from common.ws_schema import socket_for

    path = path.split("?", 1)[0]
    socket = socket_for(path)
    if socket is None or not isinstance(text, str):
        return
    try:
        frame = json.loads(text)
    except ValueError:
        _bad_frames.append(f"{path}: a frame that is not JSON: {text[:200]!r}")
        return
    frame_type = frame.get("type") if isinstance(frame, dict) else None
    validator = _frame_validator(socket, frame_type) if isinstance(frame_type, str) else None
    if validator is None:
        _bad_frames.append(f"{path}: frame type {frame_type!r} is not documented in common/ws_schema.py: {text[:300]}")
        return
    for error in validator.iter_errors(frame):
        where = "/".join(str(p) for p in error.absolute_path) or "(frame)"
        _bad_frames.append(f"{path}: `{frame_type}` frame at {where}: {error.message[:300]} — {text[:300]}")


@pytest.fixture(scope="session", autouse=True)
def _ws_frames_watched():
    """Every frame received through WebsocketCommunicator or the websockets client goes through check_frame."""
    from channels.testing import WebsocketCommunicator  # noqa: TID251 - patched for every subclass
    from websockets.asyncio.connection import Connection

    receive_output, recv = WebsocketCommunicator.receive_output, Connection.recv

    async def receive_output_checked(self, timeout=1):
        message = await receive_output(self, timeout)
        if isinstance(message, dict) and message.get("type") == "websocket.send":
            check_frame(self.scope.get("path", ""), message.get("text"))
        return message

    async def recv_checked(self, *args, **kwargs):
        message = await recv(self, *args, **kwargs)
        request = getattr(self, "request", None)
        if request is not None:
            check_frame(request.path, message)
        return message

    WebsocketCommunicator.receive_output, Connection.recv = receive_output_checked, recv_checked
    yield
    WebsocketCommunicator.receive_output, Connection.recv = receive_output, recv


@pytest.fixture(autouse=True)
def _ws_frames_documented():
    _bad_frames.clear()
    yield
    found = list(dict.fromkeys(_bad_frames))
    _bad_frames.clear()
    if not found:
        return
    message = "WebSocket frames that /api/schema/ws/ does not describe:\n- " + "\n- ".join(found)
    report = os.environ.get("WS_FRAMES_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as out:
            out.write(message + "\n")
    if WS_MODE == "strict":
        pytest.fail(message, pytrace=False)
    warnings.warn(message, stacklevel=1)
