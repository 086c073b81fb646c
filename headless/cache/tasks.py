"""Work that follows a committed change: purging the cached responses it made stale from a CDN
in front (:mod:`.purge`), and re-rendering them.

After a change, the responses that showed what changed are stale: served fresh, but rendered
on the next visitor's request. :func:`after_change` renders them first, as an anonymous
visitor would ask for them, so that visitor gets a hit. It runs on the ``cache`` task backend:
with a shared cache, the worker (``manage.py db_worker --backend cache``) renders into it for
every server; with a cache local to each process (``make run`` without Redis), the process that
made the change renders into its own. Changes made inside :func:`followed_as_one` (a bulk load)
are followed by one task, when it ends.

"""

import datetime
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.utils import timezone, translation
from django_tasks import task

from .. import inprocess
from . import purge, warm
from .conf import cache_settings
from .versions import versions

logger = logging.getLogger(__name__)


_gathered = threading.local()


def follow(tags):
    """After ``tags`` changed (committed): re-render and purge their answers, now (enqueued), or
    with the other changes of :func:`followed_as_one` when it ends."""
    gathered = getattr(_gathered, "tags", None)
    if gathered is not None:
        gathered.update(tags)
    else:
        after_change.enqueue(sorted(tags), time.time())


def change_committed(sender, tags, **kwargs):
    """Once a change commits, the cache worker re-renders the answers it made stale and purges
    them from the CDN (connected to :data:`~.versions.committed`)."""
    if cache_settings.WARM or purge.configured():
        follow(tags)


@contextmanager
def followed_as_one():
    """The changes committed inside are followed together, once, when it ends: loading the demo
    content logs one line, not one per save. Nothing is followed if it ends in an error (what
    committed meanwhile is re-rendered on its next request, as without a worker)."""
    if getattr(_gathered, "tags", None) is not None:  # inside another: it follows them
        yield
        return
    tags = _gathered.tags = set()
    try:
        yield
    finally:
        _gathered.tags = None
    if tags:
        follow(tags)


@task(backend="cache")
def after_change(tags, committed_at):
    """Purge the cached responses that depend on ``tags`` from the CDN, then re-render them.

    Returns how many are cached again. The purge waits until every app server has read the
    change (``POLL_SECONDS`` after ``committed_at``, a timestamp): the CDN's next request must
    not fetch the old answer from a server that has not yet seen it. It comes before the
    re-rendering, which takes seconds for a change many answers show: the CDN would serve the
    old answers meanwhile (a request it sends before its answer is rendered again is rendered by
    the server it reaches). For the same reason the re-rendering gives way to the next change's
    purge (:func:`render_again`), and :func:`purge_again` purges once more
    ``PURGE_AGAIN_SECONDS`` later.
    """
    urls = warm.cached_urls(tags, cache_settings.WARM_LIMIT)
    if purge.configured():
        wait = committed_at + cache_settings.POLL_SECONDS + 0.1 - time.time()
        time.sleep(min(max(wait, 0), 5))
        purge.purge(tags, urls)
        again = cache_settings.PURGE_AGAIN_SECONDS
        if again and purge_again.get_backend().supports_defer:
            run_after = timezone.now() + datetime.timedelta(seconds=again)
            purge_again.using(run_after=run_after).enqueue(tags, urls)
    return render_again(urls) if cache_settings.WARM else 0


@task(backend="cache")
def purge_again(tags, urls):
    """The second purge of ``tags`` and ``urls``, ``PURGE_AGAIN_SECONDS`` after the first.

    After the first purge a CDN may still receive, and keep, an old answer: one a server sent
    before it read the change (hits and renders are checked against the versions it read, at
    most ``POLL_SECONDS`` old, and the first purge comes 0.1 s after that) that took longer
    than that to reach the CDN. Every answer sent once every server has read the change is
    either current or marked for no cache to keep (:func:`.store.store`), so one more purge,
    later than any such answer's way to the CDN, drops the last old copies.
    """
    purge.purge(tags, urls)


@task(backend="cache", priority=-10)
def render_later(urls):
    """Render ``urls`` again, what :func:`render_again` left when a newer change committed.

    Queued below :func:`after_change`, so the purges of the changes waiting go first."""
    return render_again(urls)


def render_again(urls):
    """Render ``urls`` again, into the cache; how many of them are now cached.

    The versions are read afresh first, so nothing is rendered from a copy older than the change.
    Once another change has committed (the versions read between two answers differ), the rest
    are left to :func:`render_later`: that change's :func:`after_change` waits in the same
    worker's queue, and its purge must not wait for these renders (seconds for a change many
    answers show) while the CDN serves what it made old.
    """
    versions.expire()
    started = versions.get()
    warmed = rendered = 0
    for url in urls:
        if versions.get() is not started:  # replaced whole when a poll finds a change
            render_later.enqueue(urls[rendered:])
            break
        rendered += 1
        try:
            response = render(url)
        except Exception:
            logger.exception("Re-rendering %s after a change failed", url)
            continue
        warmed += response.get("X-Cache") in ("miss", "hit")
    logger.info("Re-rendered %d of %d cached responses after a change", warmed, rendered)
    return warmed


class _Handler(BaseHandler):
    """Django's request handling with the project's middleware, as a server runs it."""

    def __init__(self):
        super().__init__()
        self.load_middleware()


_handler = None


def render(url):
    """The response an anonymous visitor gets for ``url`` (absolute), through every layer."""
    global _handler
    if _handler is None:
        _handler = _Handler()
    request = inprocess.get_url(url, HTTP_ACCEPT="application/json", HTTP_USER_AGENT=warm.WARMER)
    # Run in an editor's request (the cache local to the process), not in their language.
    # The response is not closed: closing sends request_finished, which would close the
    # database connection of the task (or of the editor's request) under it.
    with translation.override(settings.LANGUAGE_CODE):
        return _handler.get_response(request)
