"""How the service reports on itself: ``/healthz`` for load balancers, 503s when the database is out.

``GET /healthz`` answers JSON::

    {"status": "ok" | "degraded" | "down",
     "database": {"ok": true, "ms": 1.2},
     "cache": {"ok": true, "ms": 0.4}}

with 200 while the database answers, and 503 when it does not. A cache outage only makes the
status ``degraded`` with a 200: the instance still serves correct answers from the database, so
a load balancer should keep sending it traffic.

While the database is unreachable, any request that needs it gets a 503 with ``Retry-After``:
JSON for the API, plain text elsewhere, never a traceback. Nothing has to be restarted when it
comes back; Django opens a new connection on the next request.
"""

import logging
import sys
import time
import uuid

from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from headless.renderers import CompactJsonResponse

logger = logging.getLogger("cms.database")

HEALTH_PATHS = ("/healthz", "/healthz/")
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Please retry shortly."
RETRY_AFTER_SECONDS = 10


class HealthCheckMiddleware:
    """Answer ``/healthz`` before every other middleware but the metrics' timer.

    Load balancers probe an instance by its own address over plain HTTP: this early in the
    chain, the probe needs no allowed Host header, no HTTPS redirect and no session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return healthz(request)
        return self.get_response(request)


def _timed(check):
    started = time.perf_counter()
    try:
        ok = check()
    except Exception as exc:
        logger.warning("Health check failed: %s", exc)
        ok = False
    return {"ok": bool(ok), "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache_answers():
    # A key of its own: instances probing at once must not read each other's value. The Redis
    # cache ignores its errors, so a failure shows as the value not coming back.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        return cache.get(key) == "ok"
    finally:
        cache.delete(key)


def healthz(request):
    database = _timed(_database_answers)
    if not database["ok"]:
        # A failed query leaves the connection unusable; drop it so the next probe reconnects.
        connection.close_if_unusable_or_obsolete()
    result = {
        "status": "ok",
        "database": database,
        "cache": _timed(_cache_answers),
    }
    if not database["ok"]:
        result["status"] = "down"
    elif not result["cache"]["ok"]:
        result["status"] = "degraded"
    response = CompactJsonResponse(result, status=200 if database["ok"] else 503)
    add_never_cache_headers(response)
    # The failed check said so on ``cms.database``, once a minute at most; without this,
    # django.request would log every probe's 503 besides.
    response._has_been_logged = not database["ok"]
    return response


def database_unreachable(exc):
    """Whether ``exc`` means the database is out of reach, rather than a query going wrong."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    if connection.connection is None:
        return True  # could not even connect
    # SQLite reports a malformed search as an OperationalError too; a live connection that
    # still answers says the fault lies with the query.
    return not connection.is_usable()


def is_api(request):
    return request.path_info.startswith("/api/") or request.path_info in HEALTH_PATHS


def unavailable(request):
    """The 503 for a request that needed the unreachable database."""
    if is_api(request):
        response = CompactJsonResponse({"message": UNAVAILABLE_MESSAGE}, status=503)
    else:
        response = HttpResponse(UNAVAILABLE_MESSAGE, status=503, content_type="text/plain")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request):
    """``handler500``: a 503 when the database is out of reach, a plain 500 otherwise.

    Django calls it for an exception raised anywhere in the request, the views and the
    middleware alike. An outage is logged once a minute (the ``cms.database`` logger's filter)
    rather than a traceback per request.
    """
    exc = sys.exc_info()[1]
    if database_unreachable(exc):
        logger.error("Database unavailable, answering 503: %s", exc)
        response = unavailable(request)
        response._has_been_logged = True  # said above, once a minute at most
        return response
    if is_api(request):
        return CompactJsonResponse({"message": "Internal server error."}, status=500)
    return defaults.server_error(request)
