from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from headless.errors import not_found
from headless.views import ImageServeView
from safeadmin.exports import safe_exports

from . import media, openapi
from .api import api_router

# A 503 rather than an error page while the database is unreachable; /healthz is answered by
# cms.health.HealthCheckMiddleware, before any URL is resolved.
handler500 = "cms.health.server_error"
# JSON on /api/, Django's pages elsewhere.
handler400 = "cms.errors.bad_request"
handler403 = "cms.errors.permission_denied"
handler404 = "cms.errors.page_not_found"

# Every spreadsheet the admin exports, Wagtail's reports and listings included, is formula-safe.
safe_exports(wagtailadmin_urls.urlpatterns)

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Renditions an API answer named before they were made: made on first request, then a
    # redirect to the file (headless/renditions.py). Wagtail's docs' pattern and URL name.
    re_path(
        r"^images/([^/]*)/(\d+)/([^/]*)/[^/]*$",
        ImageServeView.as_view(),
        name="wagtailimages_serve",
    ),
    path("api/v2/forms/", include("contact.urls")),
    path("api/v2/openapi.json", openapi.openapi_json, name="openapi"),
    path("api/v2/docs/", openapi.docs, name="api_docs"),
    path("api/v2/changelog/", openapi.changelog, name="api_changelog"),
    path("api/v2/", api_router.urls),
    re_path(r"^api/(?P<unknown>.*)$", not_found),
]

if settings.DEBUG:
    # `make run` serves media itself, but never documents' files: those are served by
    # /documents/<id>/<name>, which checks a private collection's restriction first.
    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += media.urlpatterns

# Page URLs: English unprefixed, every other language under its code (/es/articles/<slug>/).
# Wagtail reverses a page's URL in its locale's language, so meta.path and meta.html_url of a
# Spanish page start with /es/ (headless/pages.py, find-by-path in headless/endpoints/pages.py).
urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=False)
