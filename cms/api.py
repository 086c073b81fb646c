"""The read-only API the frontends read from, mounted at /api/v2/: what it serves, at a glance.

Each endpoint class comes from the app that owns it; the machinery they share is in
:mod:`headless`. ``build_schema()`` describes every response (``manage.py export_api_schema``).
"""

from wagtail.api.v2.router import WagtailAPIRouter

from articles.api import PagesEndpoint
from headless.endpoints import (
    DocumentsEndpoint,
    ImagesEndpoint,
    PagePreviewEndpoint,
    RedirectsEndpoint,
)
from headless.schema_builder import SchemaBuilder
from home.api import SiteSettingsEndpoint

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesEndpoint)
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)
api_router.register_endpoint("redirects", RedirectsEndpoint)
api_router.register_endpoint("site", SiteSettingsEndpoint)
api_router.register_endpoint("page_preview", PagePreviewEndpoint)


def build_schema():
    """The JSON Schema of every response of ``api_router``, as a dict ready for ``json.dumps``."""
    return SchemaBuilder(api_router).build()
