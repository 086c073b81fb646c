"""System checks for the settings the API's public URLs (headless/frontend.py) and its response
cache (``HEADLESS_CACHE``, headless/cache/conf.py) depend on."""

import difflib

from django.conf import settings
from django.core import checks

from .cache import cache_settings


@checks.register(checks.Tags.urls, deploy=True)
def check_frontend_url(app_configs, **kwargs):
    if settings.FRONTEND_URL:
        return []
    return [
        checks.Warning(
            "FRONTEND_URL is not set: meta.html_url, the JSON-LD, the sitemap and the admin's "
            "View live point at the CMS's own site URLs, not at the frontend visitors use, for "
            "every site FRONTEND_URLS does not name.",
            hint="Set FRONTEND_URL to the frontend's public origin, e.g. "
            "https://www.clinic.example (docs/production.md).",
            id="headless.W001",
        )
    ]


@checks.register(checks.Tags.caches)
def check_cache_settings(app_configs, **kwargs):
    """A ``HEADLESS_CACHE`` name the cache does not know, which would silently do nothing, and
    a purge backend without its class, which would fail the first purge after a change."""
    problems = []
    known = cache_settings.defaults
    for name in cache_settings.user_settings:
        if name in known:
            continue
        meant = difflib.get_close_matches(name, known, n=1)
        problems.append(
            checks.Warning(
                f"HEADLESS_CACHE has a setting {name!r} the response cache does not know: it "
                "does nothing.",
                hint=(f"Did you mean {meant[0]!r}? " if meant else "")
                + f"The settings are {', '.join(known)} (headless/cache/conf.py).",
                id="headless.W002",
            )
        )
    for name, backend in (cache_settings.PURGE_BACKENDS or {}).items():
        if not isinstance(backend, dict) or "BACKEND" not in backend:
            problems.append(
                checks.Error(
                    f'HEADLESS_CACHE["PURGE_BACKENDS"][{name!r}] names no "BACKEND": the '
                    "purge after each change fails on it, and no CDN is purged.",
                    hint='Give it {"BACKEND": "<dotted path of its class>", ...}, e.g. '
                    '"headless.cache.backends.cloudflare.CloudflareBackend".',
                    id="headless.E001",
                )
            )
    return problems
