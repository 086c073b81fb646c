"""Rendered answers in the shared cache and in this process, each served only while current.

An :class:`Entry` is filed with the versions its tags had *before* it was rendered (read by
:func:`lookup`) and served only while they are unchanged. It keeps the body as rendered and
compressed (brotli, gzip; see :mod:`headless.compression`), so a hit answers each client in its
encoding without compressing, and its tag headers as written once.

The shared cache (Redis) lets servers reuse each other's renders; each process keeps copies of
recent entries in memory (:class:`LocalCopies`). An answer is stored under the parameters its
view read, in one canonical spelling (:func:`parameters`), unless it is a search or a listing's
far page. A request looks its key up once: the early middleware's miss is recorded on the
request (:data:`MISSED`), as Django's cache middleware records its decision, and the view's
:func:`lookup` reads it.
"""

import hashlib
import threading
from collections import OrderedDict
from typing import NamedTuple
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.encoding import escape_uri_path

from .. import compression
from . import outage, tags, warm
from .conf import cache_settings
from .versions import versions

STALE = "api_cache_stale"
"""Set on a request whose cached answer was out of date, so it is rendered again: a miss that a
change caused (counted apart from first renders by the metrics)."""


class Entry(NamedTuple):
    """One stored answer."""

    deps: dict  # {tag: version it had before rendering}
    content_type: str
    etag: str
    content: bytes
    encoded: dict  # {content coding: body}, see headless.compression
    tag_headers: tuple  # (Cache-Tag, Surrogate-Key), written once
    url: str | None  # where the warm index lists it, None when it is not listed
    listed: tuple | None  # the tags it is listed under in the warm index

    @property
    def size(self):
        """The bytes its bodies take."""
        return len(self.content) + sum(len(body) for body in self.encoded.values())

    def fresh(self, current):
        return all(current.get(tag, 0) == version for tag, version in self.deps.items())


UNREAD = frozenset({"_"})
"""Parameters Wagtail accepts and nothing reads: jQuery's cache buster. Dropped before the view
sees the query, so they are neither in a key nor stored."""

PARAMETERS = "_headless_cache_parameters"
"""The request attribute holding its query in canonical form: see :func:`parameters`."""


def _sorted_fields(value):
    """``fields`` with its top-level items in order (``body(a,b)`` stays one item)."""
    items, depth, start = [], 0, 0
    for position, character in enumerate(value):
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "," and depth == 0:
            items.append(value[start:position])
            start = position + 1
    items.append(value[start:])
    return ",".join(sorted(items))  # "*" sorts first, where Wagtail requires it


def parameters(request):
    """The request's query as ``(name, value)`` pairs in canonical form, found once per request:
    by name (a name's values keep their order), ``fields`` sorted, without :data:`UNREAD`
    parameters or an ``offset`` of 0. Equal answers are asked for in many spellings."""
    if not hasattr(request, PARAMETERS):
        pairs = []
        for name, values in QueryDict.lists(request.GET):
            if name in UNREAD:
                continue
            for value in values:
                if name == "fields":
                    value = _sorted_fields(value)
                elif name == "offset" and value == "0":
                    continue
                pairs.append((name, value))
        setattr(request, PARAMETERS, sorted(pairs, key=lambda pair: pair[0]))
    return getattr(request, PARAMETERS)


class ReadParameters(QueryDict):
    """The query a cached view reads (``request.GET``), noting which parameters it read.

    A parameter asked for by name (``get``, ``[]``, ``in``, ``getlist``) is read; one seen only
    by name in ``keys()`` (Wagtail's check for unknown parameters) is not; reading every value
    (``items()``, ``lists()``, a copy) reads them all. An answer is stored under the parameters
    its view read, so one that ignores a parameter is not stored again for each of its values.
    """

    def __init__(self, *args, **kwargs):
        self.read = set()
        super().__init__(*args, **kwargs)
        self.read = set()  # parsing asked for each name

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.read.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self.read.add(key)
        return super().getlist(key, default)

    def lists(self):
        self.read.update(self.keys())
        return super().lists()

    def copy(self):
        self.read.update(self.keys())
        return super().copy()


def _key(request, pairs):
    raw = f"{request.get_host()}|{escape_uri_path(request.path)}?{urlencode(pairs)}".encode()
    # The number changes with the entry's form: a server never reads another version's entries.
    return f"api:response:5:{hashlib.sha256(raw).hexdigest()}"


def _read(request):
    """The canonical parameters the view read (all of them if it read ``request.GET`` whole)."""
    pairs = parameters(request)
    if isinstance(request.GET, ReadParameters):
        return [pair for pair in pairs if pair[0] in request.GET.read]
    return pairs


def _stored(pairs):
    """Whether an answer to these parameters is kept: not a search, nor a listing's page past
    the first ``LISTING_PAGES`` or at an offset that starts no page."""
    names = dict(pairs)
    if "search" in names:
        return False
    try:
        offset = int(names.get("offset", 0))
        limit = int(names.get("limit", 0))
    except ValueError:
        return False
    if not offset:
        return True
    return limit > 0 and offset % limit == 0 and offset // limit < cache_settings.LISTING_PAGES


def _tag_headers(depends_on):
    """``(Cache-Tag, Surrogate-Key)`` naming the tags, as CDNs read them."""
    names = sorted(depends_on)
    return ",".join(names), " ".join(names)


def response_tags(response):
    """The tags an answer names in its ``Cache-Tag`` header, rendered now or cached."""
    return set(filter(None, response.get("Cache-Tag", "").split(",")))


def _cache_headers(response, depends_on=(), tag_headers=None, shared=True):
    """``shared``: whether a CDN may keep a successful answer (not one rendered across a change:
    see :func:`store`)."""
    if 200 <= response.status_code < 300 and shared:
        patch_cache_control(response, public=True, max_age=cache_settings.MAX_AGE)
    elif 200 <= response.status_code < 300:
        patch_cache_control(response, no_cache=True, no_store=True)
    else:
        patch_cache_control(response, no_cache=True)
    if depends_on and tag_headers is None:
        tag_headers = _tag_headers(depends_on)
    if tag_headers:
        response["Cache-Tag"], response["Surrogate-Key"] = tag_headers
    return response


def private(response):
    """Mark an answer meant for one visitor only: no shared cache may keep it."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Accept", "Cookie"])
    return response


class LocalCopies:
    """This process's copies of recent entries, bounded in bytes, least recently used out first.

    A copy is served only while its versions are current, so it saves moving the response body
    over the network, never freshness.
    """

    def __init__(self):
        self.entries = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.verified = {}  # key: (entry, the versions snapshot it was found current under)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.verified.clear()
            self.size = 0

    def fresh(self, key, entry, current):
        """Whether ``entry``, this process's copy under ``key``, is current under ``current``.

        Checked once per snapshot of the versions (a snapshot is replaced, never changed): a
        listing's answer depends on some 70 tags, and most hits come between two polls.
        """
        checked = self.verified.get(key)
        if checked is not None and checked[0] is entry and checked[1] is current:
            return True
        if not entry.fresh(current):
            return False
        self.verified[key] = (entry, current)
        return True

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = cache_settings.LOCAL_BYTES
        size = entry.size
        if size > limit:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            self.verified.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.entries[key] = entry
            self.size += size
            while self.size > limit:
                dropped_key, dropped = self.entries.popitem(last=False)
                self.verified.pop(dropped_key, None)
                self.size -= dropped.size


local = LocalCopies()


MISSED = "_headless_cache_missed"
"""The request attribute on which :func:`lookup_hit` records a miss: ``(key, versions)``."""


def lookup_hit(request):
    """The cached response for this request, or None; reads the versions only for an entry.

    For answering before the view (:mod:`headless.middleware`): a request with nothing cached
    (the OpenAPI document, a first visit) costs no query here. A miss is recorded on the
    request, as Django's cache middleware records its decision, so the view's :func:`lookup`
    does not ask the shared cache again.
    """
    if not cache_settings.ENABLED:
        return None
    key = _key(request, parameters(request))
    entry = local.get(key)
    shared = entry is None
    current = None
    if shared:
        try:
            entry = cache.get(key)
        except outage.ERRORS as exc:
            outage.report(exc)
            entry = None
    if entry is not None:
        response, current = _answer(request, key, entry, shared)
        if response is not None:
            return response
    setattr(request, MISSED, (key, current))
    return None


def lookup(request):
    """The cached response for this request (or None), and the versions it answers under.

    A hit costs no round trip when this process holds a current copy of the entry, and one to
    the shared cache when it does not; none when :func:`lookup_hit` already missed. The
    versions are read *before* a miss is rendered, so a change committed during rendering
    leaves that response filed as old.
    """
    if not cache_settings.ENABLED:
        return None, None
    pairs = parameters(request)
    key = _key(request, pairs)
    # The view reads the canonical query, and :func:`store` learns what it read.
    request.GET = ReadParameters(urlencode(pairs), encoding=request.GET.encoding)
    missed = getattr(request, MISSED, None)
    if missed is not None and missed[0] == key:
        return None, missed[1] if missed[1] is not None else versions.get()
    return _answer(request, key, local.get(key), shared=False)


def _answer(request, key, entry, shared):
    """``(response or None, current versions)`` for ``entry``, this process's copy (or None)
    or, when ``shared``, what the shared cache held; a stale copy is read again from there.

    A current entry read from the shared cache, whichever server rendered it, is copied into
    this process, so the next hit on it does not cross the network."""
    current = versions.get()
    if shared or entry is None or not local.fresh(key, entry, current):
        if not shared:
            try:
                entry = cache.get(key)
            except outage.ERRORS as exc:
                outage.report(exc)
                return None, current
        if entry is None or not entry.fresh(current):
            if entry is not None:
                setattr(request, STALE, True)
            return None, current
        local.put(key, entry)
    if entry.url is not None and request.headers.get("User-Agent") != warm.WARMER:
        try:
            warm.index().asked(entry.url, entry.listed, 1)
        except outage.ERRORS as exc:
            outage.report(exc)
    response = HttpResponse(entry.content, content_type=entry.content_type)
    response["ETag"] = entry.etag
    response["X-Cache"] = "hit"
    compression.respond(request, response, entry.encoded)
    patch_vary_headers(response, ["Accept"])
    return _cache_headers(response, tag_headers=entry.tag_headers), current


def store(request, response, current, depends_on, own=None):
    """Cache a successful rendered response under ``current`` versions of ``depends_on`` tags.

    Always returns the response with its cache headers. A response without tags is not
    cached: nothing would ever say it is stale. ``own`` is the tag of the object the response
    is about, if it is about one (a page's detail): it is rendered first after a change.

    A response during whose rendering one of its tags changed (the versions read now differ
    from ``current``) may show what was there before the change, and the CDN's purge for that
    change may already have passed (it comes ``POLL_SECONDS`` after the commit; a render can
    take longer): it is sent, but marked for no cache to keep (``no-cache, no-store``) and not
    stored. Reading the versions again costs no round trip but a due poll.
    """
    depends_on = set(depends_on)
    if depends_on:
        depends_on.add(tags.EVERYTHING)
    if (
        current is not None
        and depends_on
        and response.status_code == 200
        and not response.streaming
    ):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        set_response_etag(response)
        deps = {tag: current.get(tag, 0) for tag in depends_on}
        now = versions.get()
        if any(now.get(tag, 0) != version for tag, version in deps.items()):
            response["X-Cache"] = "miss"
            patch_vary_headers(response, ["Accept"])
            return _cache_headers(response, depends_on, shared=False)
        content = response.content
        encoded = compression.encode(content)  # once per entry: no hit compresses
        tag_headers = _tag_headers(deps)  # written once: a hit sends them as they are
        pairs = _read(request)
        url = listed = None
        if warm.warmable(pairs):
            listed = depends_on - tags.BROAD
            if own:
                listed.add(warm.own(own))
            listed = tuple(sorted(listed))
            query = f"?{urlencode(pairs)}" if pairs else ""
            url = request.build_absolute_uri(escape_uri_path(request.path) + query)
        content_type, etag = response["Content-Type"], response["ETag"]
        entry = Entry(deps, content_type, etag, content, encoded, tag_headers, url, listed)
        if _stored(pairs):
            key = _key(request, pairs)
            local.put(key, entry)
            try:
                cache.set(key, entry, timeout=cache_settings.TIMEOUT)
                if url is not None:
                    # Re-rendering after a change is no visitor asking: it keeps its place.
                    asked = request.headers.get("User-Agent") != warm.WARMER
                    bonus = warm.PLAIN if warm.plain(pairs) else 0
                    warm.index().add(url, listed, asked + bonus)
            except outage.ERRORS as exc:
                outage.report(exc)
        response["X-Cache"] = "miss"
        compression.respond(request, response, encoded)
    patch_vary_headers(response, ["Accept"])
    return _cache_headers(response, depends_on)
