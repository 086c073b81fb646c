"""Purging answers from a CDN by the tags they carry, built as Wagtail builds its URL purgers.

``HEADLESS_CACHE["PURGE_BACKENDS"]`` is ``{name: {"BACKEND": dotted path, **params}}``, as
``WAGTAILFRONTENDCACHE`` is; each backend is a :class:`~.base.BaseTagBackend` made with its
params. :func:`get_backends` builds them, as ``wagtail.contrib.frontend_cache.utils`` does.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ..conf import cache_settings


def get_backends(backend_settings=None):
    """``{name: backend}`` for ``backend_settings`` (``HEADLESS_CACHE["PURGE_BACKENDS"]``)."""
    if backend_settings is None:
        backend_settings = cache_settings.PURGE_BACKENDS
    backends = {}
    for name, config in (backend_settings or {}).items():
        params = dict(config)
        path = params.pop("BACKEND")
        try:
            backend_class = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"Could not find purge backend {path!r}: {exc}") from exc
        backends[name] = backend_class(params)
    return backends
