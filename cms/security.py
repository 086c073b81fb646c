"""Helpers the security settings point at."""

from urllib.parse import urlsplit

from csp.constants import SELF


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
