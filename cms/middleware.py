"""Request guards that apply to every URL."""

import logging

from django.core.exceptions import DisallowedHost, TooManyFieldsSent
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.views import defaults

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


class RequestGuardMiddleware:
    """A one-line warning and a 400 for a request Django cannot take.

    An unknown ``Host`` header would otherwise be an error logged with its traceback, the header
    included whole, on every such request; more query parameters than
    ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` on /api/ likewise. Early in the chain, before anything
    else asks for the host. /api/ is answered JSON; other paths (the admin, page URLs) get
    Django's own 400 page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        try:
            request.get_host()
        except DisallowedHost as error:
            host = _shortened(request.META.get("HTTP_HOST", ""))
            if api:
                logger.warning("Refused an API request for host %r", host)
                return _logged_bad_request("This host name is not served here.")
            logger.warning("Refused a request for host %r (%s)", host, _shortened(request.path))
            response = defaults.bad_request(request, error)
            response._has_been_logged = True
            return response
        if not api:
            return self.get_response(request)
        try:
            request.GET  # noqa: B018  (parsing it is the check)
        except TooManyFieldsSent:
            logger.warning("Refused an API request with too many query parameters")
            return _logged_bad_request("The request has too many query parameters.")
        return self.get_response(request)


class PageLanguageMiddleware:
    """The language a page URL's prefix names (``/es/articles/x/``), active for its request.

    ``cms/urls.py`` lays page URLs out with ``i18n_patterns``, whose prefix matches the active
    language only: without this, every /es/ URL is a 404, a Spanish password page's form
    included. Django's ``LocaleMiddleware`` would activate it too, but it also adds
    ``Vary: Accept-Language`` and ``Content-Language`` to every answer, the API's included,
    splitting CDN caches by a header no answer depends on. Here only the path decides, and the
    language is undone when the request ends. Before ``CommonMiddleware``, whose trailing-slash
    redirect resolves the path.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        if language is None:
            return self.get_response(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            return self.get_response(request)


def _logged_bad_request(message):
    response = CompactJsonResponse({"message": message}, status=400)
    response._has_been_logged = True  # the warning above says it; no second "Bad Request" line
    return response


def _shortened(text, length=80):
    return text if len(text) <= length else text[:length] + "…"
