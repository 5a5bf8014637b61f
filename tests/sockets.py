"""The in-process WebSocket client every test uses: channels' `WebsocketCommunicator` with waits a loaded
machine can keep.

The library waits 1 s by default for the accept, a frame, a close or the consumer's end. On CI, with three test
processes, PostgreSQL and Redis on two cores, a room's connect (two database calls in a thread and a Redis
`group_add`) once took longer than that (`live/tests/test_pins.py` at 537fe58). A frame that comes ends
the wait at once, so a longer default costs a passing test nothing; only a test that fails waits it out.
A test that means "nothing arrives" says so with `receive_nothing(timeout)`, which keeps its own short wait.
ruff's banned-api rule (TID251, pyproject.toml) keeps every test on this class.
"""

from __future__ import annotations

from channels.testing import WebsocketCommunicator  # noqa: TID251 - the one place it is built on

WAIT_SECONDS = 10.0


class Communicator(WebsocketCommunicator):
    async def connect(self, timeout: float = WAIT_SECONDS):
        return await super().connect(timeout)

    async def receive_output(self, timeout: float = WAIT_SECONDS):
        return await super().receive_output(timeout)

    async def receive_from(self, timeout: float = WAIT_SECONDS):
        return await super().receive_from(timeout)

    async def receive_json_from(self, timeout: float = WAIT_SECONDS):
        return await super().receive_json_from(timeout)

    async def disconnect(self, code: int = 1000, timeout: float = WAIT_SECONDS):
        return await super().disconnect(code, timeout)
