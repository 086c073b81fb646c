"""Settings shared by every environment; what differs per deploy comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE

from cms.security import origin, preview_frame_src

from .env import (
    env_bool,
    env_json,
    env_list,
    host_urls,
    media_storage,
    next_redis_database,
    preview_client_urls,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


INSTALLED_APPS = [
    "home",
    "articles",
    "contact",
    "webhooks",
    "demo",
    "cms",
    "headless",
    "wagtail_headless_preview",
    # Translating pages and snippets in the admin (docs/languages.md); its locales app replaces
    # wagtail.locales, the admin's list of languages.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "django_tasks_db",
    "modelcluster",
    "taggit",
    "rest_framework",
    # Tokens for staff tools that ask /api/v2/pages/<id>/as_of/ (docs/medical-review.md).
    "rest_framework.authtoken",
    "corsheaders",
    "django_filters",
    "axes",
    # A second factor for staff (cms/staff/mfa.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "drf_spectacular_sidecar",  # Swagger UI's static files, for /api/v2/docs/
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # Outermost: times every request, and answers /metrics to Prometheus, which scrapes each app
    # server by its own address like a load balancer's probe (cms/metrics.py).
    "cms.metrics.MetricsMiddleware",
    # Before the host check, so a load balancer's probe needs no allowed Host header, HTTPS or
    # session.
    "cms.health.HealthCheckMiddleware",
    # Before anything asks for the host: a request Django refuses is one line in the log, and
    # answered JSON on /api/.
    "cms.middleware.RequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (which serves its own compressed files), before anything that writes or
    # reads a body: brotli or gzip for clients that accept them. Cached API answers come
    # compressed already (headless/compression.py).
    "headless.compression.CompressionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "cms.middleware.RejectNulCharactersMiddleware",
    # /es/... page URLs in Spanish; before CommonMiddleware, which resolves them.
    "cms.middleware.PageLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-csp's, with the policy's directives in a fixed order (cms/security.py).
    "cms.security.CSPMiddleware",
    # After everything that sets headers on every answer, before sessions, CSRF, users and
    # messages, which an anonymous answer never touches: an anonymous visitor's cached API
    # answer is served here, before URL resolution and the view (headless/middleware.py).
    # Outside the cached answers, so a hit that carries a deprecated value says so too.
    "headless.middleware.DeprecationHeadersMiddleware",
    "headless.middleware.CachedAnswerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sign-in (cms/staff/): idle sessions end; who owes a second factor gives it first.
    "django_otp.middleware.OTPMiddleware",
    "cms.staff.sessions.StaffIdleTimeoutMiddleware",
    "cms.staff.mfa.SecondFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

# The embedded default is a SQLite file beside manage.py; production points DATABASE_URL at
# PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails requests in seconds (a 503, see cms/health.py), not minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has several writers on one file: the admin's threads (autosave, the preview
    # panel) and the webhook worker, which takes the write lock on every poll. WAL lets reads go
    # on beside a writer. IMMEDIATE takes the write lock when a transaction begins: a transaction
    # that has read cannot wait for it later, SQLite answers "database is locked" at once. The
    # timeout is how long a writer then waits its turn. (A test's in-memory database ignores WAL.)
    sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
    sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    sqlite_options.setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
# Two roles (docs/production.md): "default" holds rendered API answers and other copies that can
# be made again, and may evict (allkeys-lru under a maxmemory); "counters" holds the contact
# form's rate-limit counts, which must never be evicted or refused. REDIS_CACHE_URL and
# REDIS_COUNTERS_URL give each its own server; by default both use REDIS_URL's, the counters
# in the next database number.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", REDIS_URL)
REDIS_COUNTERS_URL = os.environ.get("REDIS_COUNTERS_URL", "") or (
    REDIS_URL and next_redis_database(REDIS_URL)
)


def redis_cache(location):
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": location,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cms"),
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
            # A cache outage degrades to database reads instead of failing requests.
            "IGNORE_EXCEPTIONS": True,
        },
    }


LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": redis_cache(REDIS_CACHE_URL) if REDIS_CACHE_URL else LOCAL_CACHE,
    "counters": (
        redis_cache(REDIS_COUNTERS_URL)
        if REDIS_COUNTERS_URL
        else {**LOCAL_CACHE, "LOCATION": "counters"}
    ),
}
# Ignored cache errors are still logged, once a minute at most (see LOGGING below).
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "headless.cache"  # with the response cache's own (headless/cache/outage.py)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin sign-in throttling (django-axes, cms/lockouts.py): five failures for one username from
# one network (an IPv4 address, an IPv6 /64) lock that pair out for an hour; twenty from one
# network, whatever the usernames, lock the network out, and twenty for one username, from
# whatever networks, the username. Lockouts are listed under Settings > Sign-in lockouts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "cms.lockouts.LockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
SIGN_IN_NETWORK_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_NETWORK_FAILURE_LIMIT", "20"))
SIGN_IN_USERNAME_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_USERNAME_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = "cms.lockouts.lockout_parameters"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "cms.client_address.axes_client_ip"
AXES_LOCKOUT_TEMPLATE = "cms/lockout.html"

# Staff sign-in (cms/staff/, docs/production.md#staff-sign-in). A session ends after this many
# minutes without a request; sooner for those who may read form submissions (superusers too).
STAFF_IDLE_TIMEOUT = int(os.environ.get("STAFF_IDLE_TIMEOUT", "30"))
SUBMISSION_READER_IDLE_TIMEOUT = int(os.environ.get("SUBMISSION_READER_IDLE_TIMEOUT", "15"))
# Superusers and those who may read form submissions, manage users or change settings sign in
# with a second factor; `check --deploy` warns when this is off.
STAFF_MFA_REQUIRED = env_bool("STAFF_MFA_REQUIRED", True)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content in English and Spanish (docs/languages.md). The default language is English, with
# unprefixed paths (/articles/<slug>/); Spanish pages are under /es/ (cms/urls.py).
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
WAGTAIL_I18N_ENABLED = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("es", "Español")]
# A translation of a live article starts as a draft, never live: it is medical content and goes
# live through the Medical review workflow like the source did (articles/review.py).
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False
USE_TZ = True

STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")

# Images, renditions and documents: on S3 with AWS_STORAGE_BUCKET_NAME, else in MEDIA_ROOT.
STORAGES = {
    "default": media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Importing articles (docs/importing.md): the largest file taken, and how far a Word document
# (a zip archive) may expand when unpacked before it is refused as a zip bomb.
IMPORT_MAX_UPLOAD_MB = int(os.environ.get("IMPORT_MAX_UPLOAD_MB", "20"))
IMPORT_MAX_EXPANDED_MB = int(os.environ.get("IMPORT_MAX_EXPANDED_MB", "200"))

WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Pain Clinic CMS")
# How authenticator apps name this site's second factor (cms/staff/mfa.py).
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Wagtail's database search; on PostgreSQL each page is stemmed in its own language
# (cms/search.py), on SQLite words match as written.
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "cms.search",
        "SEARCH_CONFIG": "english",
        "SEARCH_CONFIGS": {"en": "english", "es": "spanish"},
    }
}
# Documents are served by Wagtail's view, which checks a private collection's restriction, never
# from their storage URL (docs/production.md: the proxy and the bucket must not serve them).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
# Bounds on what the API passes to the database and the search backend; past them a request
# gets 400 (a search of hundreds of words overflows the backend's query builder, an offset
# past 2**63 the database's integers).
API_OFFSET_MAX = 1_000_000
API_SEARCH_MAX_TERMS = 32
API_SEARCH_MAX_LENGTH = 200

# Articles go live when a medical reviewer approves them; see articles/review.py.
WAGTAIL_FINISH_WORKFLOW_ACTION = "articles.workflows.publish_approved"
MEDICAL_REVIEW_INTERVAL_DAYS = int(os.environ.get("MEDICAL_REVIEW_INTERVAL_DAYS", "365"))
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
# A deprecated value is served this many days after its deprecation at least (its Sunset
# header), before a major version may remove it (headless/deprecations.py).
API_DEPRECATION_DAYS = int(os.environ.get("API_DEPRECATION_DAYS", "90"))
# Where the Link header of a deprecated value points; by default the changelog this CMS serves.
API_CHANGELOG_URL = os.environ.get("API_CHANGELOG_URL", "")
# The response cache (headless/cache/, its defaults and what each means in conf.py), from the
# environment variables docs/production.md lists.
HEADLESS_CACHE = {
    "ENABLED": env_bool("API_RESPONSE_CACHE", True),
    "MAX_AGE": int(os.environ.get("API_CACHE_MAX_AGE", "60")),
    "TIMEOUT": int(os.environ.get("API_RESPONSE_CACHE_TIMEOUT", str(24 * 3600))),
    "LOCAL_BYTES": int(os.environ.get("API_LOCAL_CACHE_BYTES", str(32 * 1024 * 1024))),
    "POLL_SECONDS": float(os.environ.get("API_CACHE_POLL_SECONDS", "0.25")),
    "WARM": env_bool("API_CACHE_WARM", True),
    "WARM_LIMIT": int(os.environ.get("API_CACHE_WARM_LIMIT", "200")),
    "PURGE_AGAIN_SECONDS": float(os.environ.get("API_CACHE_PURGE_AGAIN_SECONDS", "5")),
    # A CDN in front of the API, purged by tag after each change (docs/production.md).
    "PURGE_BACKENDS": {
        **(
            {
                "cloudflare": {
                    "BACKEND": "headless.cache.backends.cloudflare.CloudflareBackend",
                    "ZONE_ID": os.environ["CLOUDFLARE_ZONE_ID"],
                    "API_TOKEN": os.environ.get("CLOUDFLARE_API_TOKEN", ""),
                    "API_URL": os.environ.get(
                        "CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4"
                    ),
                }
            }
            if os.environ.get("CLOUDFLARE_ZONE_ID")
            else {}
        ),
        **(
            {
                "fastly": {
                    "BACKEND": "headless.cache.backends.fastly.FastlyBackend",
                    "SERVICE_ID": os.environ["FASTLY_SERVICE_ID"],
                    "API_TOKEN": os.environ.get("FASTLY_API_TOKEN", ""),
                    "API_URL": os.environ.get("FASTLY_API_URL", "https://api.fastly.com"),
                }
            }
            if os.environ.get("FASTLY_SERVICE_ID")
            else {}
        ),
    },
}
# Wagtail's URL purges: FRONTEND_CACHE_BACKENDS is WAGTAILFRONTENDCACHE as JSON (CloudFront,
# Azure...); CDN_PURGE_URL alone is an HTTP PURGE cache (Varnish, nginx) at that address.
WAGTAILFRONTENDCACHE = env_json("FRONTEND_CACHE_BACKENDS") or (
    {
        "purge": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": os.environ["CDN_PURGE_URL"],
        }
    }
    if os.environ.get("CDN_PURGE_URL")
    else {}
)
# API URLs have no language prefix to multiply them by.
WAGTAILFRONTENDCACHE_LANGUAGES = []

# Headless: where visitors see the pages, the frontend's public origin; per site as
# "hostname=url,..." in FRONTEND_URLS. Page URLs the API and the admin give (meta.html_url,
# JSON-LD, the sitemap, View live) are on it (headless/frontend.py); unset, on the site's own
# root URL, and `check --deploy` warns.
FRONTEND_URL = os.environ.get("FRONTEND_URL", "")
FRONTEND_URLS = host_urls("FRONTEND_URLS")
# The frontend origins allowed to call the API from a browser.
FRONTEND_ORIGINS = env_list("FRONTEND_ORIGINS")
CORS_ALLOWED_ORIGINS = FRONTEND_ORIGINS
CORS_URLS_REGEX = r"^/api/.*$"
# POST is for contact form submissions (contact/views.py), which check the origin themselves.
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS", "POST"]
CORS_EXPOSE_HEADERS = ["Retry-After"]

# Contact forms (docs/contact-form.md). Fernet keys, current first; see contact/encryption.py.
FORM_ENCRYPTION_KEYS = env_list("FORM_ENCRYPTION_KEYS")
# Per client address, counted in the "counters" cache (see CACHES): Redis when REDIS_URL is set,
# otherwise per process. When the counters cannot be read the form stays open: patients must
# reach the clinic.
CONTACT_RATE_LIMIT = os.environ.get("CONTACT_RATE_LIMIT", "5/m")
RATELIMIT_USE_CACHE = "counters"
RATELIMIT_FAIL_OPEN = True
CONTACT_MAX_BODY_BYTES = 16 * 1024
CONTACT_HONEYPOT_FIELD = "website"

# Whose address a request is, for the rate limit above and the sign-in lockouts: see
# cms/client_address.py and docs/production.md. TRUSTED_PROXY_COUNT is how many proxies append
# to X-Forwarded-For in front of the app servers (0: REMOTE_ADDR is the client). A frontend
# server posting for its visitors sends FRONTEND_SERVER_SECRET and the visitor's address in
# these two headers.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
FRONTEND_SERVER_SECRET = os.environ.get("FRONTEND_SERVER_SECRET", "")
FRONTEND_SECRET_HEADER = os.environ.get("FRONTEND_SECRET_HEADER", "X-Frontend-Secret")
FRONTEND_CLIENT_IP_HEADER = os.environ.get("FRONTEND_CLIENT_IP_HEADER", "X-Client-IP")
RATELIMIT_IP_META_KEY = "cms.client_address.client_ip"

# Preview: the admin's Preview shows the draft in the frontend at FRONTEND_PREVIEW_URL, which
# fetches it from /api/v2/page_preview/; FRONTEND_PREVIEW_URLS gives per-site URLs as
# "hostname=url,...". A site with neither (a newcomer's `make run`) gets the CMS's built-in
# preview of the same JSON (headless/preview.py).
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": preview_client_urls(),
    "ENFORCE_TRAILING_SLASH": False,
}
PREVIEW_TOKEN_TTL = int(os.environ.get("PREVIEW_TOKEN_TTL", "3600"))
# How long the preview panel waits, once Wagtail has noticed the editor's change, before it
# sends the draft; the Checks panel's reading level and accessibility problems follow the new
# preview (articles/live_checks.py). Wagtail notices a change 0.5 to 1 s after the last keystroke
# (its form check runs every 0.5 s and waits for a check without changes), so its default wait
# of 0.5 s more would leave too little of 2 s for rendering the preview and running the checks
# (docs/content-checks.md has the figures measured).
WAGTAIL_AUTO_UPDATE_PREVIEW_INTERVAL = 100

# Background tasks. Wagtail's own (reference and search index updates) run in the request, as
# before; webhook deliveries (docs/webhooks.md) are queued in the database and sent by
# `manage.py db_worker --backend webhooks`, so publishing never waits on a frontend.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "webhooks": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    # Re-rendering the API answers a change made stale (headless/cache/tasks.py): with a shared cache
    # by its own worker, `manage.py db_worker --backend cache`, for every server; with a cache
    # local to each process, by the process that made the change.
    "cache": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if REDIS_URL
        else "django_tasks.backends.immediate.ImmediateBackend"
    },
    # Making an image's renditions once it is uploaded or changed (headless/tasks.py), never in
    # an API read: in production by its own worker, `manage.py db_worker --backend media`, so
    # that an upload never holds up fresh answers; without Redis (`make run`), by the process
    # that saved the image, once the save commits.
    "media": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if REDIS_URL
        else "django_tasks.backends.immediate.ImmediateBackend"
    },
}

# Frontends told about publish events: comma-separated `url` or `url|secret` entries, besides
# the endpoints editors manage under Settings > Webhook endpoints. WEBHOOK_SECRET signs for the
# entries that name no secret of their own.
WEBHOOK_URLS = env_list("WEBHOOK_URLS")
WEBHOOK_SECRET = os.environ.get("WEBHOOK_SECRET", "")
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
# Seconds to wait before each retry of a failed delivery; the last delay repeats.
WEBHOOK_RETRY_DELAYS = [10, 30, 120, 600, 1800]
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
# Webhooks go to public http(s) addresses only (webhooks/targets.py); true also allows
# loopback and private networks, for a frontend on this machine or the same network.
WEBHOOK_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False)

# GET /metrics for Prometheus (cms/metrics.py, docs/production.md "Metrics"): answered with
# `Authorization: Bearer <METRICS_TOKEN>`; without a token, a 404 unless METRICS_WITHOUT_TOKEN
# says a network rule keeps everyone but the scraper away.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_WITHOUT_TOKEN = env_bool("METRICS_WITHOUT_TOKEN", False)

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["headless.renderers.CompactJSONRenderer"],
    "EXCEPTION_HANDLER": "headless.errors.exception_handler",
}
# The admin keeps Django's page; /api/ answers JSON (cms/errors.py).
CSRF_FAILURE_VIEW = "cms.errors.csrf_failure"

# Content security policy (django-csp), written for the Wagtail admin, the only HTML served
# here: it still renders inline scripts and style attributes, so those are allowed; all else
# comes from this origin, except images from the media host, the frontend shown in the preview
# panel, and the admin's check for a newer Wagtail release.
CSP_MEDIA_ORIGINS = [origin(MEDIA_URL)]
if AWS_STORAGE_BUCKET_NAME:
    CSP_MEDIA_ORIGINS += [
        origin(f"https://{os.environ.get('AWS_S3_CUSTOM_DOMAIN', '')}"),
        origin(os.environ.get("AWS_S3_ENDPOINT_URL")) or "https://*.amazonaws.com",
    ]
CONTENT_SECURITY_POLICY = {
    # Documents are files a browser may open inline (PDFs); the admin's policy is not for them.
    "EXCLUDE_URL_PREFIXES": ["/documents/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *filter(None, CSP_MEDIA_ORIGINS)],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF, "https://releases.wagtail.org"],
        "frame-src": preview_frame_src(WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]),
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}
# Editors' avatars are uploaded here, not fetched from Gravatar with their email address.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # During an outage every request fails alike: say so once a minute, not once a request.
    "filters": {"once_a_minute": {"()": "cms.logging.OncePerInterval", "interval": 60}},
    "loggers": {
        # One line per background task state change drowns everything else out.
        "django_tasks": {"level": "WARNING"},
        "headless.cache": {"filters": ["once_a_minute"]},
        "cms.database": {"filters": ["once_a_minute"]},
    },
}
