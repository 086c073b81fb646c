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

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.utils import translation
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
    the server it reaches).
    """
    urls = warm.cached_urls(tags, cache_settings.WARM_LIMIT)
    if purge.configured():
        wait = committed_at + cache_settings.POLL_SECONDS + 0.1 - time.time()
        time.sleep(min(max(wait, 0), 5))
        purge.purge(tags, urls)
    return render_again(urls) if cache_settings.WARM else 0


def render_again(urls):
    """Render ``urls`` again, into the cache; how many of them are now cached.

    The versions are read afresh first, so nothing is rendered from a copy older than the change.
    """
    versions.expire()
    warmed = 0
    for url in urls:
        try:
            response = render(url)
        except Exception:
            logger.exception("Re-rendering %s after a change failed", url)
            continue
        warmed += response.get("X-Cache") in ("miss", "hit")
    logger.info("Re-rendered %d of %d cached responses after a change", warmed, len(urls))
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
