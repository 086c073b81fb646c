from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from headless.endpoints import not_found

from . import openapi
from .api import api_router

# A 503 rather than an error page while the database is unreachable; /healthz is answered by
# cms.health.HealthCheckMiddleware, before any URL is resolved.
handler500 = "cms.health.server_error"

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v2/forms/", include("contact.urls")),
    path("api/v2/openapi.json", openapi.openapi_json, name="openapi"),
    path("api/v2/docs/", openapi.docs, name="api_docs"),
    path("api/v2/", api_router.urls),
    re_path(r"^api/v2/(?P<unknown>.*)$", not_found),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
