"""Error pages: JSON under /api/, HTML elsewhere."""

import logging

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt

from common.api import json_error_response

logger = logging.getLogger(__name__)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error_response("not_found", _("Not found."), 404)
    return render(request, "404.html", status=404)


@csrf_exempt  # it changes nothing: a POST to an unknown API path is a 404, not a CSRF 403 page
def api_not_found(request, exception=None):
    return page_not_found(request, exception)


def csrf_failure(request, reason=""):
    """A CSRF refusal: JSON in the error shape under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error_response("permission_denied", _("CSRF verification failed."), 403)
    return django_csrf_failure(request, reason=reason)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_error_response("server_error", _("Something went wrong on our side."), 500)
    try:
        return render(request, "500.html", status=500)
    except Exception:  # the failure may be what the page needs (the database for the header's badges)
        logger.exception("the 500 page could not be rendered; a plain one is sent")
        return HttpResponseServerError(
            format_html(
                '<!doctype html><html><head><meta charset="utf-8"><title>{}</title></head>'
                '<body><h1>{}</h1><p>{}</p><p><a href="/">{}</a></p></body></html>',
                _("Something went wrong"),
                _("Something went wrong"),
                _("Something went wrong on our side. Please try again in a moment."),
                _("Back to the market"),
            )
        )


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error_response("permission_denied", _("You are not allowed to do this."), 403)
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error_response("bad_request", _("Bad request."), 400)
    return render(request, "400.html", status=400)
