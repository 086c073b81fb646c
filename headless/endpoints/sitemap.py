"""The sitemap: every page a visitor may open, where on the frontend, and when it last changed."""

from wagtail.models import Page

from .. import openapi, schema
from ..cache import tags
from ..pagination import LongPagination
from .base import public_or_bad_request
from .listing import ListingEndpoint


class SitemapEndpoint(ListingEndpoint):
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
    listing_schema = "SitemapListing"
    summary = "Every live public page of the site, in tree order, for a sitemap"
    response_description = "A page of the sitemap."
    openapi_tag = "sitemap"

    def get_queryset(self):
        # Specific instances (their URL is on the frontend) without their own columns: no
        # query per page type.
        return public_or_bad_request(self.request).order_by("path").specific(defer=True)

    def load(self, pages):
        for page in pages:
            self.references.add_translations(page)
        self.references.load()

    def item(self, page):
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
    def item_schema(cls, builder):
        return builder.define(
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

    @classmethod
    def query_parameters(cls, builder):
        return [
            openapi.query(
                "limit",
                {"type": "integer", "minimum": 0, "maximum": LongPagination.LIMIT_MAX},
                f"How many entries (at most and by default {LongPagination.LIMIT_MAX}).",
            ),
            *openapi.wagtail_parameters("offset", "site", "format"),
        ]
