"""Helpers the security settings point at."""

from urllib.parse import urlsplit


def origin(url):
    """``scheme://host[:port]`` of an absolute URL, or None for a relative one."""
    parts = urlsplit(url or "")
    if not (parts.scheme and parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"
