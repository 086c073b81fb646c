"""Telling a CDN in front of the API to drop the answers a change made stale.

Two ways, each used when configured:

- **By tag**, exact: every cacheable answer names what it was built from in ``Cache-Tag`` and
  ``Surrogate-Key``; the backends of ``HEADLESS_CACHE["PURGE_BACKENDS"]`` (:mod:`.backends`:
  Cloudflare, Fastly) purge every answer carrying a changed tag.
- **By URL**, through Wagtail's ``wagtail.contrib.frontend_cache`` backends
  (``WAGTAILFRONTENDCACHE``: HTTP ``PURGE`` for Varnish or nginx, Cloudflare, CloudFront,
  Azure), for the URLs the warm index lists under the changed tags.

Purges are sent by the cache worker (:mod:`.tasks`) once every app server has seen the change,
so the CDN's next request cannot fetch the old answer from a server yet to poll, and before it
renders the stale answers again; and once more ``PURGE_AGAIN_SECONDS`` later, for an old answer
that was on its way to the CDN during the first. A failed purge is logged; the answer then ages
out of the CDN after ``MAX_AGE``.
"""

import logging

from wagtail.contrib.frontend_cache.utils import get_backends as get_url_backends
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

from .backends import get_backends

logger = logging.getLogger(__name__)


def configured():
    """Whether any purge is configured: the worker need not wait for the servers otherwise."""
    return bool(get_url_backends()) or bool(get_backends())


def purge(tags, urls):
    """Purge what ``tags`` name, and ``urls``, from every configured CDN."""
    if tags:
        for name, backend in get_backends().items():
            try:
                backend.purge_tags(tags)
            except backend.ERRORS as exc:
                logger.error("Purging tags from the CDN (%s) failed: %s", name, exc)
    if urls and get_url_backends():
        purge_urls_from_cache(urls)
