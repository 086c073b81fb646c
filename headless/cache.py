"""Rendered API responses in a cache, each dropped the moment something it shows changes.

What must hold: a cached answer is right for whoever receives it, and never older than the last
committed change. How:

- **Only anonymous answers are cached.** A request whose session or credentials let it see
  more than an anonymous visitor (a signed-in editor, a visitor who typed a page's password, a
  group member) is answered from the database, never read from or written to the cache, and
  marked ``private, no-store`` (see :func:`headless.visibility.sees_more_than_anonymous`).
- **Every response names what it was built from**: tags such as ``page-12``, ``image-3``,
  ``snippet-condition-4``, ``settings`` or ``pages`` (the set listings filter), collected by
  the response's :class:`~headless.references.References` and its endpoint. They are sent to
  CDNs as ``Cache-Tag`` and ``Surrogate-Key``.
- **The database says what changed when.** A change bumps the version of each tag it affects
  (:func:`changed`, called by :mod:`headless.signal_handlers`) in a row of
  :class:`~headless.models.TagVersion`, inside the editor's own transaction: it is recorded if
  and only if the change commits, whatever the cache is doing. A response is filed with the
  versions its tags had *before* it was rendered, and served only while they are unchanged.
- **Every process reads the versions from the database** at most every
  ``API_CACHE_POLL_SECONDS`` (one small query; 0 reads them for every request), so a change
  made by any process (the admin, cron's ``publish_scheduled``, a shell, the importer, the
  worker, another app server) is seen by every server within that time, with or without a
  shared cache. The process that made the change reads them on its next request.

An entry keeps the body as rendered and compressed (brotli, gzip; see
:mod:`headless.compression`), so a hit answers each client in its encoding without compressing.

The cache itself is an accelerator: a shared one (Redis) lets servers reuse each other's
renders, and each process keeps copies of recent entries in memory. When it fails, responses
are rendered from the database and the failure is logged at most once a minute.

**The first visitor after a change does not pay for it.** Each stored response is listed
under its tags in an index (Redis sets beside the entries, or this process's memory when the
cache is local). Once a change commits, :data:`committed` is sent with its tags;
:mod:`headless.tasks` then re-renders the listed responses (``warm_urls``) so they are hits
again before visitors ask. The index keeps, under each tag, the answers asked for most (plain
details and find-by-paths always): one client asking for thousands of answers once each cannot
push out what visitors ask for. It only decides what to re-render: freshness never depends on it.
"""

import datetime
import hashlib
import logging
import secrets
import threading
import time
from collections import OrderedDict
from functools import partial
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag
from django.utils.encoding import escape_uri_path

from . import compression
from .models import TagVersion

logger = logging.getLogger(__name__)

OVERLAP = datetime.timedelta(seconds=60)
"""How far back each poll looks: a change written this long before it committed is still seen."""

RESYNC_SECONDS = 300
"""Every so often a process reads every version afresh, whatever the clocks did meanwhile."""

EVERYTHING = "all"
"""The tag every cached response depends on; ``manage.py clear_api_cache`` changes it."""

WARMER = "painclinic-cms-cache-warmer"
"""The ``User-Agent`` of the requests that re-render answers after a change (:mod:`.tasks`)."""

STALE = "api_cache_stale"
"""Set on a request whose cached answer was out of date, so it is rendered again: a miss that a
change caused (counted apart from first renders by the metrics)."""

_last_failure_log = 0.0


def _log_failure(exc):
    global _last_failure_log
    now = time.monotonic()
    if now - _last_failure_log > 60:
        _last_failure_log = now
        logger.warning("API response cache unavailable, serving from the database: %s", exc)


# What changed


def changed(tags):
    """Record that what ``tags`` name has changed, in the current transaction.

    Each tag gets a new random version: a version that a rolled-back change wrote can never
    come back and make an old response look current. Rows are written with one upsert.
    """
    tags = sorted(set(tags))
    if not tags:
        return
    now = timezone.now()
    TagVersion.objects.bulk_create(
        [TagVersion(tag=tag, version=secrets.randbits(62), changed_at=now) for tag in tags],
        update_conflicts=True,
        unique_fields=["tag"],
        update_fields=["version", "changed_at"],
    )
    # The process that made the change need not wait for its next poll.
    transaction.on_commit(versions.expire)
    transaction.on_commit(partial(committed.send, sender=TagVersion, tags=tags), robust=True)


committed = Signal()
"""Sent with ``tags`` once a change that bumped them has committed (re-rendering, CDN purges)."""


class Versions:
    """This process's copy of the tag versions, read from the database when it is due."""

    def __init__(self):
        self.current = {}  # replaced whole, never changed in place: a snapshot is a reference
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.current = {}
            self.polled_at = None  # monotonic
            self.resynced_at = None
            self.since = None  # wall clock of the last poll

    def expire(self):
        self.polled_at = None

    def get(self):
        """The versions now, polling the database first if the last poll is too old."""
        interval = settings.API_CACHE_POLL_SECONDS
        polled_at = self.polled_at
        if polled_at is not None and time.monotonic() - polled_at < interval:
            return self.current
        with self.lock:
            now = time.monotonic()
            if self.polled_at is not None and now - self.polled_at < interval and interval:
                return self.current  # another thread polled meanwhile
            started = timezone.now()
            if self.since is None or now - self.resynced_at >= RESYNC_SECONDS:
                self.current = dict(TagVersion.objects.values_list("tag", "version"))
                self.resynced_at = now
            else:
                recent = TagVersion.objects.filter(changed_at__gte=self.since - OVERLAP)
                rows = dict(recent.values_list("tag", "version"))
                if any(self.current.get(tag) != version for tag, version in rows.items()):
                    self.current = {**self.current, **rows}
            self.since = started
            self.polled_at = now
            return self.current


versions = Versions()


# Cached responses


DEFAULTS = {
    # A listing's pages past this many (of its ``limit``), and pages at offsets that are no
    # page's start, are rendered but not stored: a client stepping through offsets or limits
    # would fill the store with answers nobody asks for again. Searches are never stored.
    "LISTING_PAGES": 10,
    # How many URLs the warm index lists under each tag: those re-rendered after a change.
    "WARM_INDEX_PER_TAG": 1000,
}
"""The ``HEADLESS_CACHE`` setting's keys and their defaults."""


def setting(name):
    """``settings.HEADLESS_CACHE[name]``, or its default."""
    return getattr(settings, "HEADLESS_CACHE", {}).get(name, DEFAULTS[name])


UNREAD = frozenset({"_"})
"""Parameters Wagtail accepts and nothing reads: jQuery's cache buster. Dropped before the view
sees the query, so they are neither in a key nor stored."""

PARAMETERS = "_headless_cache_parameters"
"""The request attribute holding its query in canonical form: see :func:`_parameters`."""


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


def _parameters(request):
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
    return f"api:response:4:{hashlib.sha256(raw).hexdigest()}"


def _read(request):
    """The canonical parameters the view read (all of them if it read ``request.GET`` whole)."""
    pairs = _parameters(request)
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
    return limit > 0 and offset % limit == 0 and offset // limit < setting("LISTING_PAGES")


def _size(entry):
    """The bytes an entry's bodies take: ``(deps, content_type, etag, content, encoded,
    tag_headers)``."""
    return len(entry[3]) + sum(len(body) for body in entry[4].values())


def _fresh(entry, current):
    return all(current.get(tag, 0) == version for tag, version in entry[0].items())


def _tag_headers(tags):
    """``(Cache-Tag, Surrogate-Key)`` naming ``tags``, as CDNs read them."""
    tags = sorted(tags)
    return ",".join(tags), " ".join(tags)


def _cache_headers(response, tags=(), tag_headers=None):
    if 200 <= response.status_code < 300:
        patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
    else:
        patch_cache_control(response, no_cache=True)
    if tags and tag_headers is None:
        tag_headers = _tag_headers(tags)
    if tag_headers:
        response["Cache-Tag"], response["Surrogate-Key"] = tag_headers
    return response


def private(response):
    """Mark an answer meant for one visitor only: no shared cache may keep it."""
    patch_cache_control(response, private=True, no_store=True)
    patch_vary_headers(response, ["Accept", "Cookie"])
    return response


class _LocalCopies:
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
        if not _fresh(entry, current):
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
        limit = settings.API_LOCAL_CACHE_BYTES
        size = _size(entry)
        if size > limit:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            self.verified.pop(key, None)
            if old is not None:
                self.size -= _size(old)
            self.entries[key] = entry
            self.size += size
            while self.size > limit:
                dropped_key, dropped = self.entries.popitem(last=False)
                self.verified.pop(dropped_key, None)
                self.size -= _size(dropped)


_local = _LocalCopies()


# What is cached, by tag: the responses to re-render after a change


BROAD_TAGS = frozenset({EVERYTHING})
"""Tags on every response: listing under them would say nothing a re-render could use."""

OWN = "own:"
"""The index lists the answers about an object (a page's detail, its find-by-path) under
``own:`` and its tag, besides every tag they depend on."""

BROAD_LISTING_TAGS = frozenset({"pages", "settings", "redirects", "images", "documents"})
"""Tags many responses carry: their URLs are re-rendered after the specific ones."""


def _warmable(pairs):
    """Whether a visitor is likely to ask again for this response right after a change.

    Searches are asked for by few, each in its own words: they would crowd the index out.
    """
    return "search" not in dict(pairs)


def _priority(url):
    """Among answers asked for as often: plain ones first (a detail, a find-by-path), then
    those with more parameters."""
    return (url.count("&"), len(url), url)


PLAIN = 1_000_000
"""What a plain answer (no parameters, or a find-by-path's ``html_path`` alone) counts as in
the index besides its requests: it is what frontends ask for, and no flood may push it out."""


def _plain(pairs):
    return not pairs or [name for name, _ in pairs] == ["html_path"]


class _LocalIndex:
    """URLs by tag in this process's memory, for a cache that is this process's own.

    Each tag lists at most ``WARM_INDEX_PER_TAG`` URLs, each with how often it was asked for
    (rendered or served): when a tag lists too many, the least asked for go first, so one
    client asking for thousands of answers once each cannot push out what visitors ask for.
    """

    def __init__(self):
        self.urls = {}
        self.lock = threading.Lock()

    def add(self, url, tags, asked):
        size = setting("WARM_INDEX_PER_TAG")
        with self.lock:
            for tag in tags:
                urls = self.urls.setdefault(tag, {})
                urls[url] = urls.get(url, 0) + asked
                if len(urls) > size + size // 10 + 1:  # trimmed now and then, not per add
                    kept = sorted(urls.items(), key=lambda item: -item[1])[:size]
                    self.urls[tag] = dict(kept)

    asked = add

    def get(self, tag):
        """``(url, times asked)`` for the most asked for URLs listed under ``tag``."""
        size = setting("WARM_INDEX_PER_TAG")
        with self.lock:
            return sorted(self.urls.get(tag, {}).items(), key=lambda item: -item[1])[:size]

    def clear(self):
        with self.lock:
            self.urls.clear()


class _RedisIndex:
    """URLs by tag in Redis sorted sets beside the entries, shared by every server and the
    worker, each URL scored by how often it was asked for; bounded as :class:`_LocalIndex`.

    A hit costs no round trip: it is counted in this process and sent with the next answer
    stored, or within ``FLUSH_SECONDS``.
    """

    FLUSH_SECONDS = 10
    pending = {}  # (url, tags): hits not yet sent, shared by this process's requests
    flushed_at = 0.0
    lock = threading.Lock()

    def __init__(self, backend):
        self.backend = backend

    def _key(self, tag):
        return self.backend.make_and_validate_key(f"api:urls:{tag}")

    def add(self, url, tags, asked):
        with self.lock:
            pending, _RedisIndex.pending = _RedisIndex.pending, {}
            _RedisIndex.flushed_at = time.monotonic()
        pending[url, tags] = pending.get((url, tags), 0) + asked
        size = setting("WARM_INDEX_PER_TAG")
        client = self.backend.client.get_client(write=True)
        with client.pipeline(transaction=False) as pipe:
            for (listed_url, listed_tags), count in pending.items():
                for tag in listed_tags:
                    pipe.zincrby(self._key(tag), count, listed_url)
            for tag in {tag for _, listed_tags in pending for tag in listed_tags}:
                pipe.zremrangebyrank(self._key(tag), 0, -size - 1)  # the least asked for
                pipe.expire(self._key(tag), settings.API_RESPONSE_CACHE_TIMEOUT)
            pipe.execute()

    def asked(self, url, tags, asked):
        with self.lock:
            _RedisIndex.pending[url, tags] = _RedisIndex.pending.get((url, tags), 0) + asked
            due = time.monotonic() - _RedisIndex.flushed_at > self.FLUSH_SECONDS
        if due:
            self.add(url, tags, 0)

    def get(self, tag):
        client = self.backend.client.get_client(write=False)
        size = setting("WARM_INDEX_PER_TAG")
        listed = client.zrevrange(self._key(tag), 0, size - 1, withscores=True)
        return [(member.decode(), score) for member, score in listed]

    @classmethod
    def clear(cls):
        with cls.lock:
            cls.pending = {}  # Redis entries expire with the responses they list


_local_index = _LocalIndex()


def _index():
    client = getattr(cache, "client", None)
    return _RedisIndex(cache) if hasattr(client, "get_client") else _local_index


def cached_urls(tags, limit):
    """Up to ``limit`` absolute URLs of cached responses that depend on ``tags``.

    The most asked for come first; among those asked for as often, the answers about the
    changed objects themselves (a page's own detail before every listing showing it), then
    those of the most specific tags.
    """
    urls = {}  # url: (times asked, negated), the first list it was found in
    specific = sorted(set(tags) - BROAD_TAGS, key=lambda tag: (tag in BROAD_LISTING_TAGS, tag))
    # The changed objects' own answers, then every answer that shows them.
    lists = [f"{OWN}{tag}" for tag in specific] + specific
    try:
        for position, listed in enumerate(lists):
            for url, asked in _index().get(listed):
                urls.setdefault(url, (-asked, position))
    except Exception as exc:
        _log_failure(exc)
    return sorted(urls, key=lambda url: (*urls[url], _priority(url)))[:limit]


def reset():
    """Forget this process's versions, copies and index (tests start from an empty cache)."""
    versions.reset()
    _local.clear()
    _local_index.clear()
    _RedisIndex.clear()


MISSED = "_headless_cache_missed"
"""The request attribute on which :func:`lookup_hit` records a miss: ``(key, versions)``."""


def lookup_hit(request):
    """The cached response for this request, or None; reads the versions only for an entry.

    For answering before the view (:mod:`headless.middleware`): a request with nothing cached
    (the OpenAPI document, a first visit) costs no query here. A miss is recorded on the
    request, as Django's cache middleware records its decision, so the view's :func:`lookup`
    does not ask the shared cache again.
    """
    if not settings.API_RESPONSE_CACHE:
        return None
    key = _key(request, _parameters(request))
    entry = _local.get(key)
    shared = entry is None
    current = None
    if shared:
        try:
            entry = cache.get(key)
        except Exception as exc:
            _log_failure(exc)
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
    if not settings.API_RESPONSE_CACHE:
        return None, None
    pairs = _parameters(request)
    key = _key(request, pairs)
    # The view reads the canonical query, and :func:`store` learns what it read.
    request.GET = ReadParameters(urlencode(pairs), encoding=request.GET.encoding)
    missed = getattr(request, MISSED, None)
    if missed is not None and missed[0] == key:
        return None, missed[1] if missed[1] is not None else versions.get()
    return _answer(request, key, _local.get(key), shared=False)


def _answer(request, key, entry, shared):
    """``(response or None, current versions)`` for ``entry``, this process's copy (or None)
    or, when ``shared``, what the shared cache held; a stale copy is read again from there.

    A current entry read from the shared cache, whichever server rendered it, is copied into
    this process, so the next hit on it does not cross the network."""
    current = versions.get()
    if shared or entry is None or not _local.fresh(key, entry, current):
        if not shared:
            try:
                entry = cache.get(key)
            except Exception as exc:
                _log_failure(exc)
                return None, current
        if entry is None or not _fresh(entry, current):
            if entry is not None:
                setattr(request, STALE, True)
            return None, current
        _local.put(key, entry)
    deps, content_type, etag, content, encoded, tag_headers, url, listed = entry
    if url is not None and request.headers.get("User-Agent") != WARMER:
        try:
            _index().asked(url, listed, 1)
        except Exception as exc:
            _log_failure(exc)
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["X-Cache"] = "hit"
    compression.respond(request, response, encoded)
    patch_vary_headers(response, ["Accept"])
    return _cache_headers(response, tag_headers=tag_headers), current


def store(request, response, current, tags, own=None):
    """Cache a successful rendered response under ``current`` versions of ``tags``.

    Always returns the response with its cache headers. A response without tags is not
    cached: nothing would ever say it is stale. ``own`` is the tag of the object the response
    is about, if it is about one (a page's detail): it is rendered first after a change.
    """
    tags = set(tags)
    if tags:
        tags.add(EVERYTHING)
    if current is not None and tags and response.status_code == 200 and not response.streaming:
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        set_response_etag(response)
        deps = {tag: current.get(tag, 0) for tag in tags}
        content = response.content
        encoded = compression.encode(content)  # once per entry: no hit compresses
        tag_headers = _tag_headers(deps)  # written once: a hit sends them as they are
        pairs = _read(request)
        url = listed = None
        if _warmable(pairs):
            listed = tags - BROAD_TAGS
            if own:
                listed.add(f"{OWN}{own}")
            listed = tuple(sorted(listed))
            query = f"?{urlencode(pairs)}" if pairs else ""
            url = request.build_absolute_uri(escape_uri_path(request.path) + query)
        content_type, etag = response["Content-Type"], response["ETag"]
        entry = (deps, content_type, etag, content, encoded, tag_headers, url, listed)
        if _stored(pairs):
            key = _key(request, pairs)
            _local.put(key, entry)
            try:
                cache.set(key, entry, timeout=settings.API_RESPONSE_CACHE_TIMEOUT)
                if url is not None:
                    # Re-rendering after a change is no visitor asking: it keeps its place.
                    asked = request.headers.get("User-Agent") != WARMER
                    _index().add(url, listed, asked + (PLAIN if _plain(pairs) else 0))
            except Exception as exc:
                _log_failure(exc)
        response["X-Cache"] = "miss"
        compression.respond(request, response, encoded)
    patch_vary_headers(response, ["Accept"])
    return _cache_headers(response, tags)
