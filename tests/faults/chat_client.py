"""A chat client that behaves like chat.js: it reconnects with backoff, and on every (re)connect asks the
API for `?after=<last id>`, so it misses nothing; a sender re-sends a message whose echo never came
unless the API shows it stored (client ids make a re-send harmless)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request

import websockets

ORIGIN = "http://127.0.0.1"


def api_get(base_url: str, path: str, token: str):
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


class ChatClient:
    def __init__(self, server, conversation_id: int, token: str):
        self.server, self.conversation_id, self.token = server, conversation_id, token
        self.seen: dict[int, dict] = {}  # message id → message
        self.ws = None
        self.reconnects = 0

    @property
    def last_id(self) -> int:
        return max(self.seen, default=0)

    async def connect(self, timeout: float = 60) -> None:
        delay, deadline = 0.2, asyncio.get_running_loop().time() + timeout
        if self.ws is not None:
            self.reconnects += 1
        while True:
            try:
                self.ws = await websockets.connect(
                    f"{self.server.ws_url}/ws/chat/{self.conversation_id}/",
                    origin=ORIGIN,
                    additional_headers={"Authorization": f"Token {self.token}"},
                    open_timeout=5,
                    close_timeout=2,
                )
                await self.catch_up()
                return
            except (OSError, websockets.WebSocketException, urllib.error.URLError, TimeoutError, json.JSONDecodeError):
                if asyncio.get_running_loop().time() > deadline:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2)

    async def catch_up(self) -> None:
        path = f"/api/v1/conversations/{self.conversation_id}/messages/?after={self.last_id}"
        while path:
            page = await asyncio.to_thread(api_get, self.server.url, path, self.token)
            items = page["results"] if isinstance(page, dict) else page
            for message in items:
                self.seen[message["id"]] = message
            following = page.get("next") if isinstance(page, dict) else None
            path = following.replace(self.server.url, "") if following else None

    async def listen(self, until) -> None:
        """Receives frames, reconnecting whenever the socket dies, until `until()` is true."""
        while not until():
            try:
                raw = await asyncio.wait_for(self.ws.recv(), 0.5)
            except TimeoutError:
                continue
            except websockets.ConnectionClosed:
                await self.connect()
                continue
            frame = json.loads(raw)
            if frame.get("type") == "message":
                self.seen[frame["message"]["id"]] = frame["message"]

    async def send_confirmed(self, text: str, client_id: str) -> None:
        """Sends until the message is known stored: its echo, or the API after a reconnect."""
        while True:
            try:
                await self.ws.send(json.dumps({"type": "message", "text": text, "client_id": client_id}))
                deadline = asyncio.get_running_loop().time() + 3
                while asyncio.get_running_loop().time() < deadline:
                    frame = json.loads(await asyncio.wait_for(self.ws.recv(), 3))
                    if frame.get("type") == "message":
                        self.seen[frame["message"]["id"]] = frame["message"]
                        if frame["message"].get("client_id") == client_id:
                            return
            except (websockets.ConnectionClosed, TimeoutError):
                pass
            await self.connect()
            if any(m.get("client_id") == client_id for m in self.seen.values()):
                return
