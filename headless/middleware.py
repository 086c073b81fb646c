"""Cached API answers served before URL resolution and the view, for requests without
credentials.

A hit for an anonymous visitor is the same bytes and headers whichever way it is served
(:mod:`headless.cache`); answering it here skips the URL patterns, the view and DRF, which are
most of a hit's cost. Requests with credentials (a session cookie, an Authorization header)
go on to the view, which decides whether their answer may be shared.
"""

from . import cache, deprecations
from .visibility import has_credentials


class CachedAnswerMiddleware:
    """Answer an anonymous GET under ``HEADLESS_CACHE["PATH_PREFIX"]`` from the cache when it can.

    Sits after the middleware that sets headers on every answer (security, CORS, conditional
    GETs, framing, CSP), so a hit served here carries what a hit served by the view carries.
    Anything else goes on to the view, which renders and files its answer: a miss is recorded
    on the request, so the view does not look the key up again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method in ("GET", "HEAD")
            and request.path_info.startswith(cache.cache_settings.PATH_PREFIX)
            and not has_credentials(request)
        ):
            cached = cache.lookup_hit(request)
            if cached is not None:
                return cached
        return self.get_response(request)


class DeprecationHeadersMiddleware:
    """``Deprecation``, ``Sunset`` and ``Link`` on every answer that carries a deprecated value
    (:mod:`headless.deprecations`), rendered now or served from the cache. Sits before
    :class:`CachedAnswerMiddleware`, so its hits get them too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        return deprecations.add_headers(response, deprecations.carried(request, response))
