"""A page's path on its site, and any URL the API gives made absolute: each rule once."""

import functools

from django.conf import settings
from wagtail.api.utils import get_base_url


def absolute_url(url):
    """A media, document or page URL as an absolute one (``WAGTAILAPI_BASE_URL``).

    As Wagtail's ``get_full_url(None, url)``, which parses the setting again for each of the
    dozens of URLs a response holds; here its origin is parsed once per value.
    """
    if not url or url.startswith(("//", "http://", "https://")):
        return url  # empty, absolute, or a storage's protocol-relative URL
    return _origin(getattr(settings, "WAGTAILAPI_BASE_URL", None)) + url


@functools.lru_cache(maxsize=8)
def _origin(base_url):
    """Wagtail's ``get_base_url()`` (the setting's scheme and host, or ``""``), remembered by
    the value of the setting it reads."""
    return get_base_url() or ""


def site_path(page, request=None):
    """The page's path relative to its site's root (``/articles/ketamine/``), or None.

    None when no site contains the page, or for a page previewed before its first save.
    """
    if not page.url_path:
        return None
    parts = page.get_url_parts(request)
    return parts[2] if parts else None
