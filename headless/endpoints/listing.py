"""One-listing endpoints: the sitemap, the redirects, the taxonomies (``/api/v2/<name>/``).

:class:`ListingEndpoint` derives from a subclass's few answers (its objects, one item of the
listing and that item's schema) the listing view, its URL pattern and its OpenAPI operation,
so each endpoint says only what is its own.
"""

from django.urls import path
from wagtail.api.v2.views import BaseAPIViewSet

from .. import openapi, schema
from .base import BoundedInputMixin, CachedResponseMixin, KnownParametersOnly, ReferencesMixin


class ListingEndpoint(
    CachedResponseMixin, KnownParametersOnly, BoundedInputMixin, ReferencesMixin, BaseAPIViewSet
):
    """``GET /api/v2/<name>/``: a paginated, cached listing of :meth:`get_queryset`.

    A subclass sets ``model``, ``name``, ``known_query_parameters``, ``cache_tags`` and, for its
    operation, ``listing_schema`` (the schema's name), ``summary`` and ``openapi_tag``; it defines
    :meth:`get_queryset`, :meth:`item` and :meth:`item_schema`, and may batch-load what its
    items show in :meth:`load`. Parameters outside ``known_query_parameters`` are a 400.
    """

    listing_schema = None
    """The name of the listing's schema in the OpenAPI document (``SitemapListing``)."""
    summary = ""
    response_description = "A page of the listing."
    openapi_tag = None

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        objects = self.paginate_queryset(queryset)
        self.load(objects)
        return self.get_paginated_response([self.item(obj) for obj in objects])

    def load(self, objects):
        """Batch-load what the page of ``objects`` shows, before :meth:`item` is asked."""

    def item(self, obj):
        """The JSON of one object of the listing."""
        raise NotImplementedError

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def item_schema(cls, builder):
        """A reference to the schema of :meth:`item`'s value."""
        raise NotImplementedError

    @classmethod
    def query_parameters(cls, builder):
        """The operation's parameters: Wagtail's own of ``known_query_parameters``, in order."""
        return openapi.wagtail_parameters(
            *(
                name
                for name in ("limit", "offset", "site", "format")
                if name in cls.known_query_parameters
            )
        )

    @classmethod
    def api_operations(cls, builder, path):
        # DRF's as_view() resets cls.name: the path says the endpoint's name.
        listing = schema.listing(
            builder, cls.listing_schema, cls.item_schema(builder), description=f"GET {path}"
        )
        bad_input = {"_400": "A query parameter is not valid."}
        if "site" in cls.known_query_parameters:
            bad_input["_404"] = "?site= names no site."
        return {
            path: {
                "get": openapi.operation(
                    f"{path.strip('/').rsplit('/', 1)[-1]}_listing",
                    cls.summary,
                    {
                        200: openapi.response(cls.response_description, listing),
                        **openapi.errors(builder, **bad_input),
                        **openapi.cached(builder),
                    },
                    cls.query_parameters(builder),
                    tag=cls.openapi_tag,
                )
            }
        }
