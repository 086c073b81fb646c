"""Reading settings from the environment: lists, booleans, and the ones production requires."""

import json
import os
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured


def env_list(name, default=""):
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_json(name):
    """A JSON environment variable, parsed; None when unset. Bad JSON stops the start."""
    raw = os.environ.get(name, "")
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from exc


def require_env(*names):
    """Refuse to start when a setting that matters in production is missing."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            "Production settings need these environment variables: " + ", ".join(missing)
        )


def media_storage():
    """The storage of images, renditions and documents (``headless/storage.py``): the bucket
    ``AWS_STORAGE_BUCKET_NAME`` when it is set, else ``MEDIA_ROOT``. django-storages reads the
    credentials from the usual ``AWS_*`` variables (or the instance's role);
    ``AWS_S3_ENDPOINT_URL`` is for S3-compatible services, ``AWS_S3_CUSTOM_DOMAIN`` a CDN."""
    bucket = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return {"BACKEND": "headless.storage.MediaFileSystemStorage"}
    return {
        "BACKEND": "headless.storage.MediaS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }


def host_urls(name):
    """A ``hostname=url,...`` environment variable as ``{hostname: url}``."""
    return dict(entry.split("=", 1) for entry in env_list(name) if "=" in entry)


def preview_client_urls():
    """Where the admin's Preview opens the frontend: ``FRONTEND_PREVIEW_URL`` and the per-site
    ``FRONTEND_PREVIEW_URLS`` entries, ``hostname=url,...``. An empty URL means none: the
    built-in preview (``headless/preview.py``)."""
    return {
        "default": os.environ.get("FRONTEND_PREVIEW_URL", ""),
        **host_urls("FRONTEND_PREVIEW_URLS"),
    }


def next_redis_database(url):
    """The same Redis server's next database (of Redis's 16): ``redis://host:6379/0`` gives
    ``redis://host:6379/1``; a ``?db=`` is counted on as well."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if "db" in query or parts.scheme == "unix":
        query["db"] = [str((int(query.get("db", ["0"])[0]) + 1) % 16)]
        return url.split("?", 1)[0] + "?" + urlencode(query, doseq=True)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database + 1) % 16}"))
