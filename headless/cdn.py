"""Telling a CDN in front of the API to drop the answers a change made stale.

Two ways, each used when configured:

- **By tag**, exact: every cacheable answer names what it was built from in ``Cache-Tag`` and
  ``Surrogate-Key`` (:mod:`headless.cache`); Cloudflare (``API_CDN_CLOUDFLARE``) and Fastly
  (``API_CDN_FASTLY``) purge every answer carrying a changed tag.
- **By URL**, through Wagtail's ``wagtail.contrib.frontend_cache`` backends
  (``WAGTAILFRONTENDCACHE``: HTTP ``PURGE`` for Varnish or nginx, Cloudflare, CloudFront,
  Azure), for the URLs the response cache lists under the changed tags.

Purges are sent by the cache worker (:mod:`headless.tasks`) once every app server has seen the
change, so the CDN's next request cannot fetch the old answer from a server yet to poll, and
before it renders the stale answers again.
A failed purge is logged; the answer then ages out of the CDN after ``API_CACHE_MAX_AGE``.
"""

import logging

import requests
from django.conf import settings
from wagtail.contrib.frontend_cache.utils import get_backends, purge_urls_from_cache

logger = logging.getLogger(__name__)

TIMEOUT = 10
CLOUDFLARE_TAGS_PER_REQUEST = 30  # Cloudflare's limit for one purge_cache call
FASTLY_KEYS_PER_REQUEST = 256  # Fastly's limit for one batch purge


def _chunks(items, size):
    items = sorted(items)
    return [items[start : start + size] for start in range(0, len(items), size)]


def purge_cloudflare(tags, config):
    url = f"{config['API_URL'].rstrip('/')}/zones/{config['ZONE_ID']}/purge_cache"
    headers = {"Authorization": f"Bearer {config['API_TOKEN']}"}
    for chunk in _chunks(tags, CLOUDFLARE_TAGS_PER_REQUEST):
        response = requests.post(url, json={"tags": chunk}, headers=headers, timeout=TIMEOUT)
        response.raise_for_status()


def purge_fastly(tags, config):
    url = f"{config['API_URL'].rstrip('/')}/service/{config['SERVICE_ID']}/purge"
    for chunk in _chunks(tags, FASTLY_KEYS_PER_REQUEST):
        headers = {"Fastly-Key": config["API_TOKEN"], "Surrogate-Key": " ".join(chunk)}
        response = requests.post(url, headers=headers, timeout=TIMEOUT)
        response.raise_for_status()


TAG_PURGERS = (("API_CDN_CLOUDFLARE", purge_cloudflare), ("API_CDN_FASTLY", purge_fastly))


def configured():
    """Whether any purge is configured: the worker need not wait for the servers otherwise."""
    return bool(get_backends()) or any(getattr(settings, name) for name, _ in TAG_PURGERS)


def purge(tags, urls):
    """Purge what ``tags`` name, and ``urls``, from every configured CDN."""
    for name, purger in TAG_PURGERS:
        config = getattr(settings, name)
        if config and tags:
            try:
                purger(tags, config)
            except requests.RequestException as exc:
                logger.error("Purging tags from the CDN (%s) failed: %s", name, exc)
    if urls and get_backends():
        purge_urls_from_cache(urls)
