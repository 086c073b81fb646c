"""Settings for serving the public: HTTPS only, hardened cookies, hashed static files.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS and FORM_ENCRYPTION_KEYS. Every variable
an operator sets is listed in docs/production.md.
"""

from django.core.exceptions import ImproperlyConfigured

from cms.security import preview_frame_src

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY, STORAGES, WAGTAIL_HEADLESS_PREVIEW, os
from .env import env_bool, env_list, preview_client_urls, require_env

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

# Previews open only the frontends configured here (a site without one gets the built-in
# preview), and the admin may frame only those, whatever the base settings were imported with.
WAGTAIL_HEADLESS_PREVIEW = {**WAGTAIL_HEADLESS_PREVIEW, "CLIENT_URLS": preview_client_urls()}
CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "frame-src": preview_frame_src(WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]),
    },
}

# Mail: the contact form's notifications (contact/models.py), Wagtail's workflow messages and
# Django's error reports, through the SMTP server the environment names.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")  # STARTTLS, usually port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")  # TLS from the first byte, usually port 465
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set EMAIL_USE_TLS or EMAIL_USE_SSL, not both.")
# A mail server that does not answer holds up the request that sends (a contact form's
# notification is sent once the submission is stored): at most this many seconds.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Hashed file names, so browsers and CDNs may keep static files forever.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
