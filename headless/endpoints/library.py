"""Wagtail's own image and document endpoints, cached and bounded like the others; an image's
URL at any width (``images/<id>/url/``)."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from .. import openapi, renditions, schema
from ..cache import tags
from ..filters import safe_filters
from ..references import absolute_url
from ..visibility import restricted_collection_ids
from .base import BoundedInputMixin, CachedResponseMixin, ReferencesMixin

URL_PARAMETERS = frozenset(["width", "image_format", "format"])


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
    LibraryOperationsMixin,
    ReferencesMixin,
    CachedResponseMixin,
    BoundedInputMixin,
    ImagesAPIViewSet,
):
    filter_backends = safe_filters(ImagesAPIViewSet.filter_backends)
    cache_tags = (tags.IMAGES,)
    api_noun, api_title = "images", "LibraryImage"  # "Image" is an image as pages embed it

    @classmethod
    def get_urlpatterns(cls):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/url/", cls.as_view({"get": "url_view"}), name="url"),
        ]

    def url_view(self, request, pk):
        """A signed URL of the image at ``?width=`` (at most its own) in ``?image_format=``:
        ``{"url", "width", "height", "format"}``. The rendition is made when the URL is first
        asked (:class:`headless.views.ImageServeView`), never here."""
        unknown = set(request.GET.keys()) - URL_PARAMETERS
        if unknown:
            raise BadRequestError(
                "query parameter is not recognised: " + ", ".join(sorted(unknown))
            )
        width = _whole_number(request.GET.get("width"))
        if width is None or not renditions.MIN_WIDTH <= width <= renditions.MAX_WIDTH:
            raise BadRequestError(
                f"width must be a whole number from {renditions.MIN_WIDTH} to "
                f"{renditions.MAX_WIDTH}"
            )
        formats = _url_formats()
        format_name = request.GET.get("image_format", "original")
        if format_name not in formats:
            raise BadRequestError("image_format must be one of " + ", ".join(formats))
        image = get_object_or_404(self.model, pk=pk)
        if image.collection_id in restricted_collection_ids(request):
            raise Http404
        self.references.depend_on(image)
        spec = renditions.width_spec(image, width, format_name)
        width, height = renditions.size(image, spec)
        url = absolute_url(renditions.serve_url(image, spec))
        return Response({"url": url, "width": width, "height": height, "format": format_name})

    @classmethod
    def api_operations(cls, builder, path):
        operations = super().api_operations(builder, path)
        answer = builder.define(
            "ImageUrl",
            schema.obj(
                {
                    "url": {
                        **schema.URL,
                        "description": "Where the image is served at that size; its shape is "
                        "not part of the contract.",
                    },
                    "width": schema.INTEGER,
                    "height": schema.INTEGER,
                    "format": schema.enum(_url_formats()),
                },
                description="A URL of an image at another width or format: made on its first "
                "request, kept by the CDN.",
            ),
        )
        operations[path + "{id}/url/"] = {
            "get": openapi.operation(
                "image_url",
                "A URL of the image at any width",
                {
                    200: openapi.response("The URL, with the size the image has there.", answer),
                    **openapi.errors(
                        builder,
                        _400="width or image_format is not valid.",
                        _404="No such image, or not one the request may see.",
                    ),
                    **openapi.cached(builder),
                },
                [
                    openapi.path_id("Its id."),
                    openapi.query(
                        "width",
                        {
                            **schema.INTEGER,
                            "minimum": renditions.MIN_WIDTH,
                            "maximum": renditions.MAX_WIDTH,
                        },
                        "The width wanted; the image's own when that is smaller (never "
                        "upscaled). The height keeps the aspect ratio.",
                        required=True,
                    ),
                    openapi.query(
                        "image_format",
                        {**schema.enum(_url_formats()), "default": "original"},
                        "The original's format, WebP or AVIF.",
                    ),
                    *openapi.wagtail_parameters("format"),
                ],
                tag="images",
                description="For a width the image's `renditions` do not list: a signed URL of "
                "the image serve view, which makes that rendition on its first request and "
                "redirects to its file. Widths from the image's own down to "
                f"{renditions.MIN_WIDTH}, in the original's format, WebP or AVIF.",
            )
        }
        return operations


class DocumentsEndpoint(
    LibraryOperationsMixin, CachedResponseMixin, BoundedInputMixin, DocumentsAPIViewSet
):
    filter_backends = safe_filters(DocumentsAPIViewSet.filter_backends)
    cache_tags = (tags.DOCUMENTS,)
    api_noun, api_title = "documents", "LibraryDocument"


def _url_formats():
    return [name for name in renditions.FORMATS if name != "avif" or renditions.AVIF_AVAILABLE]


def _whole_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
