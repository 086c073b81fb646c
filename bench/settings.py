"""Settings for ``bench/api_bench.py``: the production base, a throwaway database, bench URLs.

``DATABASE_URL``, ``MEDIA_ROOT``, ``REDIS_URL`` and ``API_RESPONSE_CACHE`` come from the
environment the bench script sets; nothing here is for serving real traffic.
"""

import os

from cms.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY") or "bench-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
# Responses the trivial view serves, written by the bench script before the servers start.
BENCH_PRERENDERED_DIR = os.environ.get("BENCH_PRERENDERED_DIR", "")
SILENCED_SYSTEM_CHECKS = ["contact.W001"]
LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "WARNING")  # noqa: F405
