"""Django's ASGI handler, serving each HTTP request with one hop into a thread instead of eight.

Our middleware and views are sync (DRF, the ORM). Django's own ASGI handler builds an async middleware
chain and adapts every sync piece one at a time: the request_started signal, the sync middlewares
(one async_to_sync back into the loop below the lowest sync-only one), CsrfViewMiddleware.process_view,
the view, the response's render(), XFrameOptionsMiddleware.process_response, and response.close()
each cross between the event loop and a thread: 7 sync_to_async and 1 async_to_sync per request, about
0.9 ms of CPU on top of the ~1.1 ms the request itself costs (bench B1, GET /api/v1/me/).

Here the request runs exactly as under WSGI — the same sync middleware chain, the same view — in one
call to a thread; only reading the body and writing the answer stay on the event loop. Everything a
request does in sync code still runs on one thread (asgiref's ThreadSensitiveContext, as in Django), so
its thread-local database connection is opened and returned to the pool by that thread. Django starts a
new thread for every request and another one to join it; here a finished request's thread serves the
next one, as a threaded WSGI server's do.

A keep-alive connection is closed after HTTP_KEEPALIVE_REQUESTS answers (nginx's `keepalive_requests`,
which uvicorn lacks). uvicorn's workers share one listening socket and the first one to wake accepts every
connection waiting: a few long-lived client connections (a proxy's upstream pool, bench B1's 8 buyers)
often all land on one worker and stay there, leaving the other core idle (B1: one worker served 985 of
986 checkouts in a run, the other 1). When a connection is closed, the client reconnects and the worker
idling in accept() takes it, so the load spreads over the workers within a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from concurrent.futures import ThreadPoolExecutor

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix


class SyncRequestASGIHandler(ASGIHandler):
    """ASGI for HTTP; request_started, middleware, view, rendering and (for a response that is not
    streamed) request_finished run in one sync call."""

    # Idle request threads kept for the next requests (more are started while more requests run at once).
    idle_threads_max = 64

    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self._idle_threads: list[ThreadPoolExecutor] = []
        self._answered_on: dict[tuple, int] = {}  # answers so far per client connection (address, port)
        self._sync_slots: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # per event loop

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        thread = (
            self._idle_threads.pop()
            if self._idle_threads
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="django-request")
        )
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.handle(scope, receive, send)
        finally:
            if len(self._idle_threads) < self.idle_threads_max:
                self._idle_threads.append(thread)
            else:
                thread.shutdown(wait=False)

    def respond(self, scope: dict, body_file) -> HttpResponseBase:
        """The whole sync part of one request (runs in the request's thread)."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            response = self.get_response(request)
            response._handler_class = self.__class__
        if isinstance(response, FileResponse):
            response.block_size = self.chunk_size
        if not response.streaming:
            # The body is in memory: request_finished now returns the database connection to the pool
            # while the bytes are still on their way out.
            response.close()
        return response

    def sync_slots(self) -> asyncio.Semaphore:
        """At most HTTP_SYNC_REQUESTS requests of this process run their sync part at once; the others
        wait on the event loop. A thread beyond the database pool's size would only wait for a
        connection — and every runnable thread makes the one holding the hot row's lock wait longer for
        the GIL (bench B1 at 128 buyers)."""
        loop = asyncio.get_running_loop()
        slots = self._sync_slots.get(loop)
        if slots is None:
            slots = self._sync_slots[loop] = asyncio.Semaphore(settings.HTTP_SYNC_REQUESTS)
        return slots

    def keepalive_spent(self, scope: dict) -> bool:
        """Counts this request on its connection; True when the connection should close after answering."""
        client = scope.get("client")
        if not client or settings.HTTP_KEEPALIVE_REQUESTS <= 0:
            return False
        key = (tuple(client), tuple(scope.get("server") or ()))
        count = self._answered_on.get(key, 0) + 1
        if count >= settings.HTTP_KEEPALIVE_REQUESTS:
            self._answered_on.pop(key, None)
            return True
        if len(self._answered_on) >= 10_000:  # connections closed by their clients leave their counts here
            self._answered_on.clear()
        self._answered_on[key] = count
        return False

    async def handle(self, scope, receive, send) -> None:
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        if self.keepalive_spent(scope):
            send = _closing_connection(send)
        answered: list[HttpResponseBase] = []

        async def process_request() -> None:
            async with self.sync_slots():
                response = await sync_to_async(self.respond, thread_sensitive=True)(scope, body_file)
            answered.append(response)
            with contextlib.suppress(asyncio.CancelledError):  # the client left while it was being sent
                await self.send_response(response, send)

        # As Django does: stop when the client disconnects while we are answering.
        tasks = [
            asyncio.create_task(self.listen_for_disconnect(receive)),
            asyncio.create_task(process_request()),
        ]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            if task.done():
                try:
                    task.result()
                except RequestAborted:
                    pass
                except AssertionError:
                    body_file.close()
                    raise
            else:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if not answered:
            # The client left before the view returned. The view runs on in the request's thread; this
            # queues behind it in the same thread and returns its database connection.
            await signals.request_finished.asend(sender=self.__class__)
        elif answered[0].streaming:
            await sync_to_async(answered[0].close, thread_sensitive=True)()
        body_file.close()


def _closing_connection(send):
    """Adds `Connection: close` to the answer: the server closes the connection once it is sent."""

    async def send_closing(message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
        await send(message)

    return send_closing


def get_asgi_application() -> SyncRequestASGIHandler:
    """Like django.core.asgi.get_asgi_application, with the one-hop handler."""
    import django

    django.setup(set_prefix=False)
    return SyncRequestASGIHandler()
