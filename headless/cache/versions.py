"""What changed when: the tag versions, recorded in the database, and this process's copy.

A change bumps the version of each tag it affects (:func:`changed`, called by
:mod:`.signal_handlers`) in a row of :class:`~headless.models.TagVersion`, inside the editor's
own transaction: it is recorded if and only if the change commits, whatever the cache is
doing. Every process reads the versions at most every ``POLL_SECONDS`` (one small query; 0
reads them for every request), so a change made by any process is seen by every server
within that time. A request reads them once (:func:`request_versions`) and sees one snapshot
throughout.

What a process remembers between requests is a :class:`Memo`: a value read from the database,
kept while the versions of the tags it depends on are unchanged, and forgotten by
:func:`reset`.
"""

import datetime
import secrets
import threading
import time
from functools import partial

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from ..models import TagVersion
from .conf import cache_settings

OVERLAP = datetime.timedelta(seconds=60)
"""How far back each poll looks: a change written this long before it committed is still seen."""

RESYNC_SECONDS = 300
"""Every so often a process reads every version afresh, whatever the clocks did meanwhile."""


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
        interval = cache_settings.POLL_SECONDS
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


REQUEST_VERSIONS = "_headless_versions"
"""The request attribute holding the versions as the request first read them."""


def request_versions(request):
    """The versions of what changed as this request first read them: one poll at most, and
    one view of them throughout the request (a DRF request or Django's)."""
    request = getattr(request, "_request", request)
    if not hasattr(request, REQUEST_VERSIONS):
        setattr(request, REQUEST_VERSIONS, versions.get())
    return getattr(request, REQUEST_VERSIONS)


class Memo:
    """Values this process read from the database, kept while the versions of ``tags`` are as
    they were when they were read: as fresh as a cached answer, and a query less per uncached
    one. At most ``size`` values (by key) are kept; all are forgotten by :func:`reset`.

    ``memo.get(request, key, read)`` is the value under ``key``, ``read()`` when there is none
    yet under the request's versions. Values are shared between requests: a caller that
    changes one copies it first.
    """

    instances = []

    def __init__(self, *tags, size=1000):
        self.tags = tags
        self.size = size
        self.stamp, self.values = object(), {}  # replaced whole, never changed in place
        self.lock = threading.Lock()
        Memo.instances.append(self)

    def get(self, request, key, read):
        snapshot = request_versions(request)
        stamp = tuple(snapshot.get(tag) for tag in self.tags)
        with self.lock:
            if self.stamp != stamp:
                self.stamp, self.values = stamp, {}
            values = self.values
            if key in values:
                return values[key]
        value = read()
        with self.lock:
            if values is self.values:
                if len(values) >= self.size:  # any number of keys may come (Host headers)
                    values.clear()
                values[key] = value
        return value

    def clear(self):
        with self.lock:
            self.stamp, self.values = object(), {}


def reset():
    """Forget the versions and every memo (tests start from a process that read nothing)."""
    versions.reset()
    for memo in Memo.instances:
        memo.clear()
