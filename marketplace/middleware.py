"""Project-wide request guards."""

from django.conf import settings

from common.api import json_error_response


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
            return json_error_response("too_large", "The request body is too large.", 413)
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
