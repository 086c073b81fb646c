"""The sitemap: every page a visitor may open, where on the frontend, and when it last changed."""

from django.urls import path
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.models import Page

from .. import openapi, schema
from ..cache import tags
from ..pagination import LongPagination
from ..visibility import public_pages
from .base import CachedResponseMixin, KnownParametersOnly, ReferencesMixin


class SitemapEndpoint(CachedResponseMixin, KnownParametersOnly, ReferencesMixin, BaseAPIViewSet):
    """Live public pages of the request's site in tree order, for a frontend's sitemap.xml.

    ``url`` is the page's URL on the frontend (``FRONTEND_URL``, see :mod:`headless.frontend`).
    ``alternates`` are the page in every language visitors may read it in, itself included,
    as a sitemap's ``hreflang`` links want them: ``[{"hreflang": "es", "url": ...}]``.
    """

    model = Page
    name = "sitemap"
    pagination_class = LongPagination
    known_query_parameters = frozenset(["limit", "offset", "site", "format"])
    # Which pages exist and where; a site settings change may move a site's root URL.
    cache_tags = (tags.PAGES, tags.SETTINGS)

    def get_queryset(self):
        try:
            pages = public_pages(self.request)
        except ValueError as e:
            raise BadRequestError(str(e)) from e
        # Specific instances (their URL is on the frontend) without their own columns: no
        # query per page type.
        return pages.order_by("path").specific(defer=True)

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        pages = self.paginate_queryset(queryset)
        for page in pages:
            self.references.add_translations(page)
        self.references.load()
        items = [self.entry(page) for page in pages]
        return self.get_paginated_response(items)

    def entry(self, page):
        modified = page.last_published_at
        url = self.references.page_url(page)
        alternates = [{"hreflang": self.references.locale_code(page.locale_id), "url": url}] + [
            {"hreflang": other["locale"], "url": other["url"]}
            for other in self.references.translations_data(page)
        ]
        return {
            "path": self.references.page_path(page),
            "url": url,
            "last_modified": modified.isoformat() if modified else None,
            "alternates": sorted(alternates, key=lambda alternate: alternate["hreflang"]),
        }

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def api_operations(cls, builder, path):
        entry = builder.define(
            "SitemapEntry",
            schema.obj(
                {
                    "path": schema.STRING,
                    "url": schema.URL,
                    "last_modified": schema.nullable(schema.DATE_TIME),
                    "alternates": schema.array(
                        builder.define(
                            "SitemapAlternate",
                            schema.obj(
                                {"hreflang": schema.locale(), "url": schema.nullable(schema.URL)},
                                description="The page in one language (hreflang).",
                            ),
                        )
                    ),
                },
                description="A page: its path on the site, its URL on the frontend, and its "
                "URL in each language.",
            ),
        )
        listing = schema.listing(
            builder, "SitemapListing", entry, description="GET /api/v2/sitemap/"
        )
        return {
            path: {
                "get": openapi.operation(
                    "sitemap_listing",
                    "Every live public page of the site, in tree order, for a sitemap",
                    {
                        200: openapi.response("A page of the sitemap.", listing),
                        **openapi.errors(
                            builder,
                            _400="A query parameter is not valid.",
                            _404="?site= names no site.",
                        ),
                        **openapi.cached(builder),
                    },
                    [
                        openapi.query(
                            "limit",
                            {"type": "integer", "minimum": 0, "maximum": LongPagination.LIMIT_MAX},
                            f"How many entries (at most and by default {LongPagination.LIMIT_MAX}).",
                        ),
                        *openapi.wagtail_parameters("offset", "site", "format"),
                    ],
                    tag="sitemap",
                )
            }
        }
