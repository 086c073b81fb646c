"""Drafts in the shape of published pages, for the admin's Preview (wagtail-headless-preview)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature, SignatureExpired
from django.http import Http404
from django.urls import path
from django.utils.cache import patch_cache_control
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail_headless_preview.models import PagePreview

from .. import openapi, schema
from ..fields import EditPathsField
from .base import CachedResponseMixin
from .pages import FrontendPageSerializer, PagesEndpoint


class PreviewPageSerializer(FrontendPageSerializer):
    """A published page's serializer, with where each part shown is edited (``meta.edit_paths``)."""

    edit_paths = EditPathsField()


class PagePreviewEndpoint(PagesEndpoint):
    """A draft, as the editor sees it in the admin, in exactly the shape of a published page.

    The admin's Preview button (wagtail-headless-preview) saves the draft under a signed token
    and opens the frontend with ``?content_type=app.model&token=...``; the frontend fetches
    ``/api/v2/page_preview/?content_type=...&token=...``. For a site no frontend previews, the
    CMS's built-in preview (:mod:`headless.preview`) asks it the same, in-process. Tokens expire
    after ``PREVIEW_TOKEN_TTL`` seconds. Previews are never cached.

    Beyond the published shape, a preview answer says where each field and block it shows is
    edited (``meta.edit_paths``), for click-to-edit in the preview panel (docs/preview.md).
    """

    name = "page_preview"
    base_serializer_class = PreviewPageSerializer
    meta_fields = PagesEndpoint.meta_fields + ["edit_paths"]
    known_query_parameters = frozenset(["content_type", "token", "fields", "format"])

    def dispatch(self, request, *args, **kwargs):
        response = super(CachedResponseMixin, self).dispatch(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def preview_view(self, request):
        unknown = set(request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError("unknown query parameters: " + ", ".join(sorted(unknown)))
        token = request.GET.get("token", "")
        if not token:
            return Response({"message": "A preview token is required."}, status=401)
        model = self.preview_model(request.GET.get("content_type", ""))
        try:
            model.get_preview_signer().unsign(token, max_age=settings.PREVIEW_TOKEN_TTL)
        except SignatureExpired:
            return Response(
                {"message": "This preview has expired. Press Preview in the admin again."},
                status=401,
            )
        except BadSignature:
            return Response({"message": "This preview token is not valid."}, status=403)
        preview = PagePreview.objects.filter(
            content_type=ContentType.objects.get_for_model(model), token=token
        ).first()
        if preview is None:
            raise Http404("No preview of this content type has this token.")
        page = self._cached_object = preview.as_page()
        self.prepare_detail(page, preview=True)
        return Response(self.get_serializer(page).data)

    @staticmethod
    def preview_model(content_type):
        try:
            app_label, model_name = content_type.lower().split(".")
            model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
        except (ValueError, ContentType.DoesNotExist) as e:
            raise Http404(f"No page type {content_type!r}.") from e
        if model is None or not hasattr(model, "get_preview_signer"):
            raise Http404(f"No page type {content_type!r} can be previewed.")
        return model

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "preview_view"}), name="detail")]

    @classmethod
    def api_operations(cls, builder, path):
        builder.page_responses()
        details = []
        for model in builder.page_types()[:-1]:  # every page type but the base Page
            label, name = model._meta.label, model.__name__
            schema_ = {"title": f"{name}PreviewDetail", **builder.record(cls, model, detail=True)}
            details.append(builder.define(f"{label}PreviewDetail", schema_))
        detail = builder.define(
            "PagePreviewDetail",
            {
                "oneOf": details,
                "description": (
                    "GET /api/v2/page_preview/: a page's detail, told apart by meta.type, with "
                    "meta.edit_paths"
                ),
            },
        )
        return {
            path: {
                "get": openapi.operation(
                    "page_preview",
                    "A draft, in exactly the shape of a published page's detail",
                    {
                        200: openapi.response(
                            "The draft's detail, never cached, with where each field and "
                            "block shown is edited (meta.edit_paths).",
                            detail,
                        ),
                        **openapi.errors(
                            builder,
                            _400="A query parameter is not known.",
                            _401="No token, or the preview has expired.",
                            _403="The token is not valid.",
                            _404="No such page type, or no preview with this token.",
                            _503="The database is out of reach.",
                        ),
                    },
                    [
                        openapi.query(
                            "content_type",
                            schema.STRING,
                            "The page type, `app.model`, from the preview URL.",
                            required=True,
                        ),
                        openapi.query(
                            "token", schema.STRING, "The token from the preview URL.", required=True
                        ),
                        *openapi.wagtail_parameters("fields", "format"),
                    ],
                    tag="pages",
                )
            }
        }
