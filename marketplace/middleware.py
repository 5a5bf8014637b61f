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
