"""Error pages: JSON under /api/, HTML elsewhere."""

from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt

from common.api import json_error_response


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
    return render(request, "500.html", status=500)


def permission_denied(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error_response("permission_denied", _("You are not allowed to do this."), 403)
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error_response("bad_request", _("Bad request."), 400)
    return render(request, "400.html", status=400)
