"""Request guards that apply to every URL."""

import logging

from django.core.exceptions import DisallowedHost, TooManyFieldsSent
from django.http import HttpResponseBadRequest

from headless.renderers import CompactJsonResponse

logger = logging.getLogger("django.security")

NUL_MESSAGE = "Query parameters must not contain NUL characters."


class RejectNulCharactersMiddleware:
    """A 400 for a query string with a NUL character (``%00``) in it.

    PostgreSQL cannot store or compare text holding NUL, so such a value would fail as a
    database error (a 500) wherever it reaches a query: a search, a filter, a path to find.
    No legitimate client sends one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or "\x00" in value for key, value in _items(request.GET)):
            if request.path_info.startswith("/api/"):
                return CompactJsonResponse({"message": NUL_MESSAGE}, status=400)
            return HttpResponseBadRequest(NUL_MESSAGE, content_type="text/plain")
        return self.get_response(request)


def _items(querydict):
    for key, values in querydict.lists():
        for value in values:
            yield key, value


class ApiRequestGuardMiddleware:
    """A one-line warning and a 400 JSON for an /api/ request Django cannot take.

    An unknown ``Host`` header, or more query parameters than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``,
    would otherwise be Django's HTML 400 and an error logged with its traceback, the header
    included whole. Early in the chain, before anything else asks for the host. Other paths
    (the admin) keep Django's own handling.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith("/api/"):
            return self.get_response(request)
        try:
            request.get_host()
        except DisallowedHost:
            host = request.META.get("HTTP_HOST", "")
            logger.warning("Refused an API request for host %r", _shortened(host))
            return _logged_bad_request("This host name is not served here.")
        try:
            request.GET  # noqa: B018  (parsing it is the check)
        except TooManyFieldsSent:
            logger.warning("Refused an API request with too many query parameters")
            return _logged_bad_request("The request has too many query parameters.")
        return self.get_response(request)


def _logged_bad_request(message):
    response = CompactJsonResponse({"message": message}, status=400)
    response._has_been_logged = True  # the warning above says it; no second "Bad Request" line
    return response


def _shortened(text, length=80):
    return text if len(text) <= length else text[:length] + "…"
