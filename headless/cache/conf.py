"""The response cache's settings: one ``HEADLESS_CACHE`` dict, its defaults kept here.

Read through :data:`cache_settings` (``cache_settings.POLL_SECONDS``), as DRF reads
``REST_FRAMEWORK`` through ``api_settings``: a project sets only what it changes, and a test's
``settings.HEADLESS_CACHE = {...}`` takes effect at once (the copy is dropped on
``setting_changed``). ``cms/settings/base.py`` fills the dict from the environment variables
that ``docs/production.md`` lists.
"""

from django.conf import settings
from django.core.signals import setting_changed

DEFAULTS = {
    # Off only to measure rendering cost (bench/api_bench.py); headers are sent either way.
    "ENABLED": True,
    # Requests under this path may be answered before URL resolution (headless.middleware).
    "PATH_PREFIX": "/api/v2/",
    # How long browsers and CDNs may reuse an answer (Cache-Control: max-age).
    "MAX_AGE": 60,
    # How long the shared cache keeps an answer nobody changed or asked for again.
    "TIMEOUT": 24 * 3600,
    # Each process's copies of recent answers, in bytes: a hit need not cross the network.
    "LOCAL_BYTES": 32 * 1024 * 1024,
    # How often each process reads which content changed from the database: every server
    # answers fresh content at most this many seconds after a change commits.
    "POLL_SECONDS": 0.25,
    # A listing's pages past this many (of its ``limit``), and pages at offsets that are no
    # page's start, are rendered but not stored: a client stepping through offsets or limits
    # would fill the store with answers nobody asks for again. Searches are never stored.
    "LISTING_PAGES": 10,
    # After a change, the cached answers it made stale are rendered again before visitors ask,
    # at most WARM_LIMIT per change, the most asked for first.
    "WARM": True,
    "WARM_LIMIT": 200,
    # How many URLs the warm index lists under each tag (the least asked for leave first).
    "WARM_INDEX_PER_TAG": 1000,
    # A second purge of a change's answers this many seconds after the first, by the cache
    # worker: an answer a server sent before it read the change (at most POLL_SECONDS after the
    # commit) that reached the CDN after the first purge, slowed on its way, is dropped then.
    # 0: purge once.
    "PURGE_AGAIN_SECONDS": 5,
    # CDNs purged by tag after a change: {name: {"BACKEND": dotted path, **params}}, as
    # WAGTAILFRONTENDCACHE names Wagtail's URL purgers (see headless.cache.backends).
    "PURGE_BACKENDS": {},
}


class CacheSettings:
    """``settings.HEADLESS_CACHE[name]``, or its default, as attributes.

    ``defaults`` are the settings there are; a name the project sets that is not among them
    does nothing, and ``manage.py check`` says so (:mod:`headless.checks`).
    """

    def __init__(self):
        self.defaults = DEFAULTS
        self._values = None

    @property
    def user_settings(self):
        """What the project sets: ``settings.HEADLESS_CACHE``, as it is."""
        return getattr(settings, "HEADLESS_CACHE", {})

    def __getattr__(self, name):
        if name not in DEFAULTS:
            raise AttributeError(f"HEADLESS_CACHE has no setting {name!r}")
        if self._values is None:
            self._values = {**DEFAULTS, **self.user_settings}
        return self._values[name]

    def reload(self):
        self._values = None


cache_settings = CacheSettings()


def _reload(*, setting, **kwargs):
    if setting == "HEADLESS_CACHE":
        cache_settings.reload()


setting_changed.connect(_reload, dispatch_uid="headless_cache_settings")
