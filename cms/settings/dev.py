from .base import *  # noqa: F403
from .base import os
from .env import env_bool

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", "127.0.0.1", "[::1]"]  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# A frontend on this machine (`npm run dev`, docs/webhooks.md) may receive webhooks.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
# `make run` shows http://127.0.0.1:8000/metrics to whoever runs it.
METRICS_WITHOUT_TOKEN = env_bool("METRICS_WITHOUT_TOKEN", True)
