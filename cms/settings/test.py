from .base import *  # noqa: F403
from .base import os

SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["*"]
WAGTAILADMIN_BASE_URL = "http://cms.test"
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", BASE_DIR / ".test-media"))  # noqa: F405
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FRONTEND_ORIGINS = ["https://frontend.test"]
CORS_ALLOWED_ORIGINS = FRONTEND_ORIGINS
HEADLESS_CACHE = {
    **HEADLESS_CACHE,  # noqa: F405
    # The tests change content and read it back at once: every request reads the versions.
    "POLL_SECONDS": 0,
    # Re-rendering after changes is tested where it is the subject (tests/test_cache_warming.py).
    "WARM": False,
}
# Renditions are made once an image's save commits: in tests, where a test commits its
# callbacks (django_capture_on_commit_callbacks), by the test's own process.
TASKS = {
    **TASKS,  # noqa: F405
    "cache": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "media": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
# Tests sign staff in with a password alone; tests/test_staff_mfa.py turns the second factor on.
STAFF_MFA_REQUIRED = False
