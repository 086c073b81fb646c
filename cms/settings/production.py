"""Settings for serving the public: HTTPS only, hardened cookies, hashed static files.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS and FORM_ENCRYPTION_KEYS. Every variable
an operator sets is listed in docs/production.md.
"""

from .base import *  # noqa: F403
from .base import STORAGES, os
from .env import env_bool, env_list, require_env

require_env("SECRET_KEY", "ALLOWED_HOSTS")
require_env("FORM_ENCRYPTION_KEYS")  # contact form submissions are encrypted with these

DEBUG = False

# HTTPS is terminated by the proxy in front, which says so in X-Forwarded-Proto. /healthz is
# answered before the redirect (cms/health.py), so plain-HTTP probes still work.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# The admin sends its CSRF token from the page, never from the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Hashed file names, so browsers and CDNs may keep static files forever.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
