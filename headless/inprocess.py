"""GET requests the CMS asks itself, in-process: the one place such a request is built.

Two callers need one: the cache's warming (:mod:`headless.cache.tasks`), which renders a stale
answer again as an anonymous visitor would get it at its absolute URL, and the built-in preview
(:mod:`headless.preview`), which asks the preview endpoint for a draft's JSON as the editor's
browser, or a frontend's server, would.
"""

import io
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest


def get(path, query_string="", environ=None):
    """A GET of ``path?query_string`` (``path`` decoded, as WSGI's ``PATH_INFO``), without a
    body, on ``environ``: another request's ``META``, or :func:`url_environ`'s."""
    request_environ = {
        **(environ or {}),
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query_string,
        "wsgi.input": io.BytesIO(b""),
    }
    for name in ("CONTENT_LENGTH", "CONTENT_TYPE"):
        request_environ.pop(name, None)
    return WSGIRequest(request_environ)


def get_url(url, **headers):
    """A GET of the absolute ``url`` as a visitor's request reaches a server: its host, scheme
    (HTTPS as the proxy says it, ``SECURE_PROXY_SSL_HEADER``) and ``headers`` (WSGI names:
    ``HTTP_ACCEPT``)."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    environ = {
        "SCRIPT_NAME": "",
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or (443 if secure else 80)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": parts.netloc,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": parts.scheme,
        "wsgi.errors": io.StringIO(),
        **headers,
    }
    if secure and settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    return get(unquote_to_bytes(parts.path).decode("iso-8859-1"), parts.query, environ)
