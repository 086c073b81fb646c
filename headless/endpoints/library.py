"""Wagtail's own image and document endpoints, cached and bounded like the others."""

from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .. import openapi
from ..cache import tags
from ..filters import safe_filters
from .base import BoundedInputMixin, CachedResponseMixin


class LibraryOperationsMixin:
    """The operations of Wagtail's own endpoints of one model: images and documents."""

    @classmethod
    def api_operations(cls, builder, path):
        # Not cls.name: DRF's as_view() sets it to None on the class.
        noun, title = cls.api_noun, cls.api_title
        detail, listing = builder.record_responses(cls, title)
        bad_request = "A query parameter is not valid."
        return {
            path: {
                "get": openapi.operation(
                    f"{noun}_listing",
                    f"The {noun} of the library",
                    {
                        200: openapi.response("A page of the listing.", listing),
                        **openapi.errors(builder, _400=bad_request),
                        **openapi.cached(builder),
                    },
                    openapi.wagtail_parameters(
                        "fields", "limit", "offset", "order", "search", "search_operator"
                    )
                    + openapi.wagtail_parameters("rich_text_format", "format", "_")
                    + builder.field_filters(cls, cls.model, noun),
                    tag=noun,
                )
            },
            path + "{id}/": {
                "get": openapi.operation(
                    f"{noun}_detail",
                    f"One of the {noun}",
                    {
                        200: openapi.response(f"The {noun[:-1]}.", detail),
                        **openapi.errors(builder, _400=bad_request, _404=f"No such {noun[:-1]}."),
                        **openapi.cached(builder),
                    },
                    [openapi.path_id("Its id."), *openapi.wagtail_parameters("fields", "format")],
                    tag=noun,
                )
            },
            path + "find/": {
                "get": openapi.operation(
                    f"{noun}_find",
                    f"Find one of the {noun} by id",
                    {
                        302: openapi.response(
                            "Its detail URL.", headers={"Location": "Its detail URL."}
                        ),
                        **openapi.errors(builder, _400=bad_request, _404=f"No such {noun[:-1]}."),
                        **openapi.cached(builder),
                    },
                    openapi.wagtail_parameters("id", "fields", "format"),
                    tag=noun,
                )
            },
        }


class ImagesEndpoint(
    LibraryOperationsMixin, CachedResponseMixin, BoundedInputMixin, ImagesAPIViewSet
):
    filter_backends = safe_filters(ImagesAPIViewSet.filter_backends)
    cache_tags = (tags.IMAGES,)
    api_noun, api_title = "images", "LibraryImage"  # "Image" is an image as pages embed it


class DocumentsEndpoint(
    LibraryOperationsMixin, CachedResponseMixin, BoundedInputMixin, DocumentsAPIViewSet
):
    filter_backends = safe_filters(DocumentsAPIViewSet.filter_backends)
    cache_tags = (tags.DOCUMENTS,)
    api_noun, api_title = "documents", "LibraryDocument"
