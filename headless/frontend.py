"""Where visitors see the pages: the frontend's public origin, per site.

``FRONTEND_URLS`` names the frontend of a site by the site's hostname, ``FRONTEND_URL`` that
of every other site. A page's public URL is its site path on that origin: ``meta.html_url``,
the JSON-LD, the sitemap and the admin's View live all come from
:class:`headless.pages.FrontendUrlMixin`, which asks :func:`frontend_root_url`. Unset, a page's
URL stays on its Wagtail site's own root URL, as without a frontend.
"""

from urllib.parse import urlsplit

from django.conf import settings


def frontend_configured():
    return bool(settings.FRONTEND_URL or settings.FRONTEND_URLS)


def frontend_root_url(site_root_url):
    """The origin visitors see a site's pages on, for the site's ``root_url``; no trailing slash."""
    hostname = urlsplit(site_root_url).hostname
    url = settings.FRONTEND_URLS.get(hostname) or settings.FRONTEND_URL
    return url.rstrip("/") if url else site_root_url
