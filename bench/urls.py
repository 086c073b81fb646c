"""The project's URLs, plus stock Wagtail API v2 and the prerendered view the bench compares."""

from django.urls import path
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from cms.urls import urlpatterns as cms_urlpatterns

from .views import StockPagesAPIViewSet, prerendered

stock_router = WagtailAPIRouter("stockapi")
stock_router.register_endpoint("pages", StockPagesAPIViewSet)
stock_router.register_endpoint("images", ImagesAPIViewSet)
stock_router.register_endpoint("documents", DocumentsAPIViewSet)

urlpatterns = [
    path("stock-api/v2/", stock_router.urls),
    path("bench/prerendered/<slug:name>/", prerendered),
    # The project's own patterns end with Wagtail's catch-all, so they come last.
    *cms_urlpatterns,
]
