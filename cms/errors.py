"""How failures outside the views are answered: JSON on /api/, Django's own pages elsewhere.

Django's hooks (``handler400``/``403``/``404`` in ``cms/urls.py``, ``CSRF_FAILURE_VIEW``) call
these; a frontend parses every /api/ answer as JSON, while the admin keeps its HTML pages.
``handler500`` is :func:`cms.health.server_error`, which also tells a database outage apart.
"""

from django.http import HttpResponseBadRequest
from django.utils.html import format_html
from django.views import csrf, defaults

from headless.renderers import CompactJsonResponse

from .forms import IncompleteFormData
from .health import is_api


def _json(status, message):
    return CompactJsonResponse({"message": message}, status=status)


def bad_request(request, exception):
    if is_api(request):
        return _json(400, "The request could not be understood.")
    if isinstance(exception, IncompleteFormData):
        return HttpResponseBadRequest(
            format_html("<!doctype html><title>Bad Request (400)</title><p>{}</p>", exception)
        )
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return _json(403, "You may not do this.")
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        return _json(404, f"No API endpoint at {request.path}")
    return defaults.page_not_found(request, exception)


def csrf_failure(request, reason=""):
    if is_api(request):
        return _json(403, "The API accepts no form posts from browsers without a CSRF token.")
    return csrf.csrf_failure(request, reason)
