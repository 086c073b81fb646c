"""Rendered API responses in the shared cache, dropped the moment published content changes.

Every cached response is filed with the current *content generation*, a counter in the same
cache. Publishing, unpublishing, moving or deleting a page, and saving or deleting anything a
page can embed (snippets, images, documents, redirects, site settings), bumps the counter, so
no response rendered before the change is served again. Invalidation is deliberately coarse:
editors change content far less often than visitors read it, and a precise dependency graph
would be one more place for a stale answer to hide.

The cache is an accelerator, never a dependency: when it fails, responses are rendered from
the database and the failure is logged at most once a minute.
"""

import hashlib
import logging
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

logger = logging.getLogger(__name__)

GENERATION_KEY = "api:generation"
_last_failure_log = 0.0


def _log_failure(exc):
    global _last_failure_log
    now = time.monotonic()
    if now - _last_failure_log > 60:
        _last_failure_log = now
        logger.warning("API response cache unavailable, serving from the database: %s", exc)


def bump(**kwargs):
    """Content changed: every cached response is stale (connected in :mod:`.signal_handlers`)."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
    except Exception as exc:  # the cache being down must never break publishing
        _log_failure(exc)


def _key(request):
    raw = f"{request.get_host()}|{request.get_full_path()}".encode()
    return f"api:response:{hashlib.sha256(raw).hexdigest()}"


def _cache_headers(response):
    if 200 <= response.status_code < 300:
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    else:
        patch_cache_control(response, no_cache=True)
    return response


class _LocalCopies:
    """This process's copies of recent entries, bounded in bytes, least recently used out first.

    A copy is only served after the shared cache confirms its generation is still current, so
    it saves moving the response body over the network, never freshness.
    """

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = settings.API_LOCAL_CACHE_BYTES
        size = len(entry[3])
        if size > limit:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old[3])
            self.entries[key] = entry
            self.size += size
            while self.size > limit:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped[3])


_local = _LocalCopies()


def _current_generation(found):
    gen = found.get(GENERATION_KEY)
    if gen is None:
        # A counter that starts afresh (an emptied or restarted cache) starts from the clock,
        # so it never meets a generation some process still holds a copy under.
        start = time.time_ns() // 1000
        cache.add(GENERATION_KEY, start, timeout=None)
        gen = cache.get(GENERATION_KEY, start)
    return gen


def lookup(request):
    """The cached response for this request (or None), and the generation it answers under.

    A hit costs one round trip to the shared cache: the generation alone when this process
    holds a copy of the entry, the generation and the entry together when it does not. An
    entry filed under an older generation is stale and ignored. The generation is read *before*
    a miss is rendered, so a publish during rendering leaves that response filed as old.
    """
    if not settings.API_RESPONSE_CACHE:
        return None, None
    key = _key(request)
    entry = _local.get(key)
    try:
        if entry is not None:
            gen = _current_generation({GENERATION_KEY: cache.get(GENERATION_KEY)})
        if entry is None or entry[0] != gen:
            found = cache.get_many([GENERATION_KEY, key])
            gen = _current_generation(found)
            entry = found.get(key)
            if entry is not None and entry[0] == gen:
                _local.put(key, entry)
    except Exception as exc:
        _log_failure(exc)
        return None, None
    if entry is None or entry[0] != gen:
        return None, gen
    _, content_type, etag, content = entry
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["X-Cache"] = "hit"
    patch_vary_headers(response, ["Accept"])
    return _cache_headers(response), gen


def store(request, response, gen):
    """Cache a successful rendered response; always return it with its cache headers."""
    if gen is not None and response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        set_response_etag(response)
        entry = (gen, response["Content-Type"], response["ETag"], response.content)
        try:
            cache.set(_key(request), entry, timeout=settings.API_RESPONSE_CACHE_TIMEOUT)
            _local.put(_key(request), entry)
        except Exception as exc:
            _log_failure(exc)
        response["X-Cache"] = "miss"
    patch_vary_headers(response, ["Accept"])
    return _cache_headers(response)
