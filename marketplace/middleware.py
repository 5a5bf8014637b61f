"""Project-wide request guards and response headers."""

import secrets

from django.conf import settings
from django.utils import translation

from common.api import json_error_response
from common.csp import content_security_policy


class RequestSizeLimitMiddleware:
    """Refuses a body larger than MAX_REQUEST_BODY_BYTES with 413 before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BODY_BYTES:
            # Before LocaleMiddleware: the answer picks the request's language itself.
            with translation.override(translation.get_language_from_request(request)):
                return json_error_response("too_large", translation.gettext("The request body is too large."), 413)
        return self.get_response(request)


class DomainErrorPageMiddleware:
    """A domain error escaping a page view becomes its status page (404 for not found or not yours)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from common.errors import DomainError

        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if exception.status == 404:
            return render(request, "404.html", status=404)
        return render(request, "error.html", {"error": exception}, status=exception.status)


class ContentSecurityPolicyMiddleware:
    """Sends a Content-Security-Policy on every response; inline scripts need the request's nonce.

    Scripts come from our own static files, or from an inline block carrying `nonce="{{ request.csp_nonce }}"`
    (JSON data blocks from `json_script` are never executed, so they need none). Inline styles stay
    allowed: the templates use `style=` attributes, and a style cannot run code. WebSockets go to our
    own host only. Frames: none (X-Frame-Options says the same for older browsers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(request)
        return response


class _BodyTooLargeError(Exception):
    pass


class AsgiBodyLimit:
    """ASGI wrapper: counts the body as it arrives and answers 413 past MAX_REQUEST_BODY_BYTES.

    RequestSizeLimitMiddleware refuses by Content-Length; a chunked body declares none, and Django's
    ASGI handler would read all of it (to disk, then into memory for a JSON body) before any view runs.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.MAX_REQUEST_BODY_BYTES
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLargeError
            return message

        async def watched_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except _BodyTooLargeError:
            if started:
                raise
            body = b'{"error": {"code": "too_large", "message": "The request body is too large."}}'
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"connection", b"close"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
