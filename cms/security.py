"""Helpers the security settings point at."""

from urllib.parse import urlsplit

from csp.constants import SELF
from django.conf import settings


def client_ip(request):
    """The client's address, for sign-in lockouts (django-axes).

    Behind a reverse proxy every request comes from the proxy, so the proxy's header named by
    ``RATELIMIT_IP_META_KEY`` (e.g. ``HTTP_X_REAL_IP``) is used instead, as the contact form's
    rate limit does.
    """
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    return (request.META.get(key) or request.META.get("REMOTE_ADDR") or "").strip() or None


def origin(url):
    """``scheme://host[:port]`` of an absolute URL, or None for a relative one."""
    parts = urlsplit(url or "")
    if not (parts.scheme and parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def preview_frame_src(client_urls):
    """The CSP ``frame-src`` of the admin: itself, and the origin of each preview frontend."""
    origins = dict.fromkeys(filter(None, map(origin, client_urls.values())))
    return [SELF, *origins]
