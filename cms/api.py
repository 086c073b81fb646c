"""The read-only API the frontends read from, mounted at /api/v2/: what it serves, at a glance.

Each endpoint class comes from the app that owns it; the machinery they share is in
:mod:`headless`. ``build_schema()`` and ``build_openapi()`` describe
every operation and response (``manage.py export_api_schema``).
"""

from wagtail.api.v2.router import WagtailAPIRouter

from articles.api import ArticlesEndpoint, ConditionsEndpoint, PagesEndpoint, TreatmentsEndpoint
from contact import views as contact_views
from headless.endpoints import (
    DocumentsEndpoint,
    ImagesEndpoint,
    PagePreviewEndpoint,
    RedirectsEndpoint,
    SitemapEndpoint,
)
from headless.schema_builder import SchemaBuilder
from home.api import SiteSettingsEndpoint
from webhooks.events import api_webhooks

API_VERSION = "2.6.0"
"""The contract's version (semantic versioning), info.version of the OpenAPI document: a
breaking change bumps the major, any other change to the contract the minor, each with its
entry in docs/api-changelog.md (`bin/api_contract.py` fails CI otherwise)."""

API_TAGS = {
    "pages": "Published pages of every type, found by id, by path or by listing; a preview's draft.",
    "articles": "What articles are about: the conditions and treatments a frontend files them by.",
    "images": "The image library (Wagtail's own endpoint); pages embed their images whole.",
    "documents": "The document library (Wagtail's own endpoint).",
    "redirects": "The redirects editors set, for a frontend to answer before its own 404.",
    "site": "What every page of the frontend shows: the site's settings, menus and footer.",
    "sitemap": "Every live public page, in tree order, for a sitemap.",
    "forms": "Contact form submissions: the one operation that writes.",
    "webhooks": "The signed events the CMS POSTs to frontends (docs/webhooks.md).",
}
"""The OpenAPI document's tags, in its order: each operation names one (``operation(tag=)``)."""

api_router = WagtailAPIRouter("wagtailapi")
# With pages/<id>/as_of/ (articles.api.PageAsOfEndpoint): what was live at an instant, for staff.
api_router.register_endpoint("pages", PagesEndpoint)
api_router.register_endpoint("articles", ArticlesEndpoint)  # after pages: detail URLs stay there
api_router.register_endpoint("images", ImagesEndpoint)
api_router.register_endpoint("documents", DocumentsEndpoint)
api_router.register_endpoint("redirects", RedirectsEndpoint)
api_router.register_endpoint("conditions", ConditionsEndpoint)
api_router.register_endpoint("treatments", TreatmentsEndpoint)
api_router.register_endpoint("site", SiteSettingsEndpoint)
api_router.register_endpoint("sitemap", SitemapEndpoint)
api_router.register_endpoint("page_preview", PagePreviewEndpoint)


def schema_builder():
    """The registry of both documents: the router's endpoints, form submissions, webhooks."""
    return SchemaBuilder(
        api_router,
        operations={"forms/": contact_views.api_operations},  # cms/urls.py mounts them there
        webhooks=api_webhooks,
        version=API_VERSION,
        tags=API_TAGS,
    )


def build_schema():
    """The JSON Schema of every response, as a dict ready for ``json.dumps``."""
    return schema_builder().build()


def build_openapi():
    """The OpenAPI 3.1 document of the same API, served at /api/v2/openapi.json."""
    return schema_builder().build_openapi()
