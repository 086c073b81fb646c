"""The warm index: which cached answers show what, so a change's are rendered again first.

Each stored answer is listed under the tags it depends on (less :data:`tags.BROAD`), and the
answers about one object (a page's detail and its find-by-path) also under :func:`own` of its
tag: Redis sorted sets beside the entries, or this process's memory when the cache is local.
Under each tag at most ``WARM_INDEX_PER_TAG`` URLs are kept, those asked for most (rendered
for a visitor, or served from the cache), plain answers always (:data:`PLAIN`): one client
asking for thousands of answers once each cannot push out what visitors ask for. After a
change, :func:`cached_urls` says what to render again (:mod:`.tasks`) and what to purge by URL
(:mod:`.purge`). The index only decides that: freshness never depends on it.
"""

import threading
import time

from django.core.cache import caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache

from . import outage, tags
from .conf import cache_settings

WARMER = "painclinic-cms-cache-warmer"
"""The ``User-Agent`` of the requests that render answers again after a change (:mod:`.tasks`):
they are no visitor asking, and do not count as asked for."""


def own(tag):
    """Where the index lists the answers about the object ``tag`` names."""
    return f"own:{tag}"


def warmable(pairs):
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


def plain(pairs):
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

    def add(self, url, listed, asked):
        size = cache_settings.WARM_INDEX_PER_TAG
        with self.lock:
            for tag in listed:
                urls = self.urls.setdefault(tag, {})
                urls[url] = urls.get(url, 0) + asked
                if len(urls) > size + size // 10 + 1:  # trimmed now and then, not per add
                    kept = sorted(urls.items(), key=lambda item: -item[1])[:size]
                    self.urls[tag] = dict(kept)

    asked = add

    def get(self, tag):
        """``(url, times asked)`` for the most asked for URLs listed under ``tag``."""
        size = cache_settings.WARM_INDEX_PER_TAG
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
    pending = {}  # (url, listed tags): hits not yet sent, shared by this process's requests
    flushed_at = 0.0
    lock = threading.Lock()

    def __init__(self, backend):
        self.backend = backend

    def _key(self, tag):
        return self.backend.make_and_validate_key(f"api:urls:{tag}")

    def add(self, url, listed, asked):
        with self.lock:
            pending, _RedisIndex.pending = _RedisIndex.pending, {}
            _RedisIndex.flushed_at = time.monotonic()
        pending[url, listed] = pending.get((url, listed), 0) + asked
        size = cache_settings.WARM_INDEX_PER_TAG
        client = get_redis_connection("default", write=True)
        with client.pipeline(transaction=False) as pipe:
            for (listed_url, listed_tags), count in pending.items():
                for tag in listed_tags:
                    pipe.zincrby(self._key(tag), count, listed_url)
            for tag in {tag for _, listed_tags in pending for tag in listed_tags}:
                pipe.zremrangebyrank(self._key(tag), 0, -size - 1)  # the least asked for
                pipe.expire(self._key(tag), cache_settings.TIMEOUT)
            pipe.execute()

    def asked(self, url, listed, asked):
        with self.lock:
            _RedisIndex.pending[url, listed] = _RedisIndex.pending.get((url, listed), 0) + asked
            due = time.monotonic() - _RedisIndex.flushed_at > self.FLUSH_SECONDS
        if due:
            self.add(url, listed, 0)

    def get(self, tag):
        client = get_redis_connection("default", write=False)
        size = cache_settings.WARM_INDEX_PER_TAG
        listed = client.zrevrange(self._key(tag), 0, size - 1, withscores=True)
        return [(member.decode(), score) for member, score in listed]

    @classmethod
    def clear(cls):
        with cls.lock:
            cls.pending = {}  # Redis entries expire with the responses they list


_local_index = _LocalIndex()


def index():
    """Redis sets beside the entries when the cache is Redis; this process's memory else."""
    backend = caches["default"]
    return _RedisIndex(backend) if isinstance(backend, RedisCache) else _local_index


def cached_urls(changed, limit):
    """Up to ``limit`` absolute URLs of cached responses that depend on ``changed`` tags.

    The most asked for come first; among those asked for as often, the answers about the
    changed objects themselves (a page's own detail before every listing showing it), then
    those of the most specific tags.
    """
    urls = {}  # url: (times asked, negated), the first list it was found in
    specific = sorted(set(changed) - tags.BROAD, key=lambda tag: (tag in tags.BROAD_LISTING, tag))
    # The changed objects' own answers, then every answer that shows them.
    lists = [own(tag) for tag in specific] + specific
    try:
        for position, listed in enumerate(lists):
            for url, asked in index().get(listed):
                urls.setdefault(url, (-asked, position))
    except outage.ERRORS as exc:
        outage.report(exc)
    return sorted(urls, key=lambda url: (*urls[url], _priority(url)))[:limit]


def clear():
    """Forget this process's index, and the hits it has not sent yet."""
    _local_index.clear()
    _RedisIndex.clear()
