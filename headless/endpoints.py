"""Endpoint base classes of the read-only API: pages, previews, images, documents, redirects.

Stock Wagtail API v2 viewsets, extended through Wagtail's own hooks: every response's
references (images, pages, documents) are collected first and loaded in a handful of queries,
then serialized into frontend-ready objects (see :mod:`headless.references`). Page types take
part through the hooks of :class:`headless.pages.HeadlessPage`. GETs are served from the
response cache (:mod:`headless.cache`). The project's router (``cms/api.py``) registers them.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.signing import BadSignature, SignatureExpired
from django.http import Http404
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.encoding import iri_to_uri
from rest_framework.authentication import BaseAuthentication
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from wagtail.api.v2.serializers import DetailUrlField, PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, Site
from wagtail_headless_preview.models import PagePreview

from . import cache, openapi, schema
from .fields import CollectsHealthInformationField, PagePathField
from .filters import safe_filters
from .pages import HeadlessPage
from .pagination import BoundedPagination
from .references import References
from .visibility import is_public, public_pages, sees_more_than_anonymous


class PreviewSafeDetailUrlField(DetailUrlField):
    """A page previewed before its first save has no detail URL yet."""

    def get_attribute(self, instance):
        return None if instance.pk is None else super().get_attribute(instance)


class FrontendPageSerializer(PageSerializer):
    path = PagePathField()
    collects_health_information = CollectsHealthInformationField()
    detail_url = PreviewSafeDetailUrlField(read_only=True)


class ReferencesMixin:
    """Collect and batch-load every response's references before serializing it."""

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["references"] = self.references
        return context

    @property
    def references(self):
        if not hasattr(self, "_references"):
            self._references = References(self.request)
        return self._references


class SessionIfPresent(BaseAuthentication):
    """The signed-in user of a request that carries a session cookie; anonymous otherwise.

    Unlike DRF's session authentication it leaves the session alone when there is no cookie,
    so an anonymous answer never varies on cookies. The API only reads: no CSRF check.
    """

    def authenticate(self, request):
        if settings.SESSION_COOKIE_NAME not in request._request.COOKIES:
            return None
        user = request._request.user
        return (user, None) if user.is_authenticated else None


class CachedResponseMixin:
    """Serve anonymous GETs from the cache until what they show changes; see :mod:`.cache`.

    ``cache_tags`` names what an endpoint's answers depend on besides what its references
    loaded (``pages`` for listings: the set they filter).
    """

    # JSON only: the browsable HTML API is for humans poking at a DRF project, not frontends.
    renderer_classes = [JSONRenderer]
    # An anonymous request's answer must not touch the session (which adds Vary: Cookie).
    authentication_classes = [SessionIfPresent]
    cache_tags = ()

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return super().dispatch(request, *args, **kwargs)
        if sees_more_than_anonymous(request):
            # Answers for this visitor alone: never shared, never kept.
            return cache.private(super().dispatch(request, *args, **kwargs))
        cached, versions = cache.lookup(request)
        if cached is not None:
            return cached
        response = super().dispatch(request, *args, **kwargs)
        return cache.store(request, response, versions, self.response_cache_tags())

    def response_cache_tags(self):
        tags = set(self.cache_tags)
        if hasattr(self, "_references"):
            tags |= self._references.tags
        return tags


class BoundedInputMixin:
    """Query parameters Wagtail hands the database as they come, checked first: a 400, not a 500.

    Listings page with :class:`headless.pagination.BoundedPagination`; ``find/?id=`` takes
    whole numbers only (an id of no object is a 404, as ever).
    """

    pagination_class = BoundedPagination

    def find_object(self, queryset, request):
        if "id" in request.GET:
            try:
                int(request.GET["id"])
            except ValueError as e:
                raise BadRequestError("id must be a whole number") from e
        return super().find_object(queryset, request)


def _headless(model):
    return issubclass(model, HeadlessPage)


class PagesEndpoint(CachedResponseMixin, BoundedInputMixin, ReferencesMixin, PagesAPIViewSet):
    """Pages of every type, each in one response: details, listings and find-by-path."""

    base_serializer_class = FrontendPageSerializer
    filter_backends = safe_filters(PagesAPIViewSet.filter_backends)
    meta_fields = PagesAPIViewSet.meta_fields + ["path", "collects_health_information"]
    listing_default_fields = PagesAPIViewSet.listing_default_fields + [
        "path",
        "collects_health_information",
    ]
    nested_default_fields = PagesAPIViewSet.nested_default_fields + ["path"]
    # The parent costs two queries per page; a frontend asks for it with fields=parent.
    detail_only_fields = PagesAPIViewSet.detail_only_fields + [
        "body",
        "table_of_contents",
        "related_articles",
        "structured_data",
    ]

    @classmethod
    def get_detail_default_fields(cls, model):
        fields = super().get_detail_default_fields(model)
        return [field for field in fields if field != "parent"]

    def response_cache_tags(self):
        # Every page may show the site settings (a default disclaimer, the publisher). A listing
        # and a search depend on which pages exist; so does find, where a page or redirect may
        # appear at the path.
        tags = super().response_cache_tags() | {"settings"}
        if self.action != "detail_view" or "html_path" in self.request.GET:
            tags |= {"pages", "redirects"}
        return tags

    @classmethod
    def get_listing_default_fields(cls, model):
        extra = model.api_listing_fields if _headless(model) else ()
        return super().get_listing_default_fields(model) + list(extra)

    def listing_serializer_class(self, model):
        return self._get_serializer_class(self.request.wagtailapi_router, model, [])

    def get_base_queryset(self):
        try:
            return public_pages(self.request)
        except ValueError as e:
            raise BadRequestError(str(e)) from e

    def get_queryset(self):
        queryset = super().get_queryset()
        if _headless(queryset.model):
            queryset = queryset.model.api_queryset(queryset)
        return queryset

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            page = BaseAPIViewSet.get_object(self)
            model = page.specific_class
            if model is not None and _headless(model):
                page = model.api_queryset(model.objects.filter(pk=page.pk), detail=True).get()
            else:
                page = page.specific
            self._cached_object = page
        return self._cached_object

    def paginate_queryset(self, queryset):
        pages = super().paginate_queryset(queryset)
        for page in pages:
            self.collect_references(page, detail=False)
        self.references.load()
        return pages

    def detail_view(self, request, pk):
        self.prepare_detail(self.get_object())
        return super().detail_view(request, pk)

    def prepare_detail(self, page, preview=False):
        """Fetch what the page's detail shows beyond its own row, then its references."""
        if isinstance(page, HeadlessPage):
            page.prepare_api_detail(self.get_base_queryset(), preview=preview)
        self.collect_references(page, detail=True)
        self.references.load()

    def collect_references(self, page, detail):
        self.references.add_page(page)
        if isinstance(page, HeadlessPage):
            page.collect_api_references(self.references, detail=detail)

    def find_view(self, request):
        """Resolve any path in one call: the page's detail, or the redirect that answers it."""
        if "html_path" not in request.GET:
            return super().find_view(request)
        html_path = request.GET["html_path"]
        try:
            page = self.find_object(self.get_queryset(), request)
        except Page.DoesNotExist:
            page = None
        if page is not None:
            self.kwargs["pk"] = page.pk
            self.action = "detail_view"
            return self.detail_view(request, page.pk)
        redirect = find_redirect(request, html_path)
        if redirect is None:
            raise Http404(f"No page or redirect at {html_path}")
        return Response({"redirect": redirect_data(redirect, self.references)})

    # The query parameters of a listing, besides each filter backend's own (api_parameters).
    listing_parameters = (
        "type",
        "fields",
        "limit",
        "offset",
        "order",
        "search",
        "search_operator",
        "child_of",
        "ancestor_of",
        "descendant_of",
        "translation_of",
        "locale",
        "site",
        "rich_text_format",
        "format",
        "_",
    )

    @classmethod
    def api_operations(cls, builder, path):
        detail, listings = builder.page_responses()
        listing = builder.define(
            "AnyPageListing",
            {
                "anyOf": listings,
                "description": "GET /api/v2/pages/: PageListing, or with ?type= that type's listing.",
            },
        )
        find_result = builder.define(
            "FindResult",
            {
                "oneOf": [detail, schema.obj({"redirect": redirect_schema(builder)})],
                "description": "GET /api/v2/pages/find/?html_path=: the page, or its redirect.",
            },
        )
        filters = [
            parameter
            for backend in cls.filter_backends
            for parameter in getattr(backend, "api_parameters", list)()
        ]
        filters += builder.field_filters(cls, Page, "pages")
        detail_parameters = openapi.wagtail_parameters("fields", "site", "format")
        return {
            path: {
                "get": openapi.operation(
                    "pages_listing",
                    "Pages, of every type or of those ?type= names",
                    {
                        200: openapi.response("A page of the listing.", listing),
                        **openapi.errors(builder, _400="A query parameter is not valid."),
                        **openapi.cached(builder),
                    },
                    openapi.wagtail_parameters(*cls.listing_parameters) + filters,
                    tag="pages",
                    description=(
                        "With ?type=, the type's own fields can be asked for with ?fields= "
                        "and filtered on with ?<field>=<value>."
                    ),
                )
            },
            path + "{id}/": {
                "get": openapi.operation(
                    "pages_detail",
                    "One page, with everything a frontend renders it from",
                    {
                        200: openapi.response("The page, told apart by meta.type.", detail),
                        **openapi.errors(
                            builder, _400="A query parameter is not valid.", _404="No such page."
                        ),
                        **openapi.cached(builder),
                    },
                    [openapi.path_id("The page's id."), *detail_parameters],
                    tag="pages",
                )
            },
            path + "find/": {
                "get": openapi.operation(
                    "pages_find",
                    "The page, or the redirect, at a path of the site",
                    {
                        200: openapi.response(
                            "?html_path=: the page or its redirect.", find_result
                        ),
                        302: openapi.response(
                            "?id=: the page's detail URL.",
                            headers={"Location": "The page's detail URL."},
                        ),
                        **openapi.errors(
                            builder,
                            _400="A query parameter is not valid.",
                            _404="No page and no redirect at this path.",
                        ),
                        **openapi.cached(builder),
                    },
                    [
                        openapi.query(
                            "html_path",
                            schema.STRING,
                            "A path of the site, as a visitor's browser asks for it.",
                        ),
                        *openapi.wagtail_parameters("id"),
                        *detail_parameters,
                    ],
                    tag="pages",
                )
            },
        }


class PagePreviewEndpoint(PagesEndpoint):
    """A draft, as the editor sees it in the admin, in exactly the shape of a published page.

    The admin's Preview button (wagtail-headless-preview) saves the draft under a signed token
    and opens the frontend with ``?content_type=app.model&token=...``; the frontend fetches
    ``/api/v2/page_preview/?content_type=...&token=...``. Tokens expire after
    ``PREVIEW_TOKEN_TTL`` seconds. Previews are never cached.
    """

    name = "page_preview"
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
        detail, _ = builder.page_responses()
        return {
            path: {
                "get": openapi.operation(
                    "page_preview",
                    "A draft, in exactly the shape of a published page's detail",
                    {
                        200: openapi.response("The draft's detail, never cached.", detail),
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


def find_redirect(request, html_path):
    """The redirect Wagtail's redirect middleware would answer ``html_path`` with, or None.

    The same rules, so the API and the site never disagree on a path: the percent-encoded and
    the unicode form of the path, the site's own redirect before an all-sites one, and the path
    without its query string when no redirect names the query.
    """
    # As the middleware sees a request's path: percent-encoded (a browser sends /caf%C3%A9/).
    path = Redirect.normalise_path(iri_to_uri(html_path), decode_unicode=False)
    redirect = get_redirect(request, path)
    without_query = urlsplit(path).path
    if redirect is None and without_query != path:
        redirect = get_redirect(request, without_query)
    return redirect


def redirect_data(redirect, references):
    page = redirect.redirect_page
    if page is None:
        target = redirect.redirect_link
    else:
        # A redirect to a page visitors cannot see must not reveal where that page lives.
        target = references.page_path(page) if is_public(page, references.request) else None
    return {
        "old_path": redirect.old_path,
        "target": target,
        "is_permanent": redirect.is_permanent,
        "status_code": 301 if redirect.is_permanent else 302,
    }


def redirect_schema(builder):
    """The schema of :func:`redirect_data`; returns a reference to it."""
    return builder.define(
        "Redirect",
        schema.obj(
            {
                "old_path": schema.STRING,
                "target": schema.nullable(schema.STRING),
                "is_permanent": schema.BOOLEAN,
                "status_code": schema.enum([301, 302]),
            },
            description="target is a path on this site or an outside URL; null when its page is gone.",
        ),
    )


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
    cache_tags = ("images",)
    api_noun, api_title = "images", "LibraryImage"  # "Image" is an image as pages embed it


class DocumentsEndpoint(
    LibraryOperationsMixin, CachedResponseMixin, BoundedInputMixin, DocumentsAPIViewSet
):
    filter_backends = safe_filters(DocumentsAPIViewSet.filter_backends)
    cache_tags = ("documents",)
    api_noun, api_title = "documents", "LibraryDocument"


class RedirectsEndpoint(CachedResponseMixin, BoundedInputMixin, ReferencesMixin, BaseAPIViewSet):
    """Redirects editors manage in the admin, for a frontend that applies them itself."""

    model = Redirect
    name = "redirects"
    known_query_parameters = frozenset(["limit", "offset", "format"])
    cache_tags = ("redirects",)

    def get_queryset(self):
        site = Site.find_for_request(self.request)
        return Redirect.get_for_site(site).select_related("redirect_page").order_by("old_path")

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        redirects = self.paginate_queryset(queryset)
        items = [redirect_data(redirect, self.references) for redirect in redirects]
        return self.get_paginated_response(items)

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def api_operations(cls, builder, path):
        items = redirect_schema(builder)
        listing = schema.listing(
            builder, "RedirectListing", items, description="GET /api/v2/redirects/"
        )
        return {
            path: {
                "get": openapi.operation(
                    "redirects_listing",
                    "The redirects of the request's site, by old path",
                    {
                        200: openapi.response("A page of the listing.", listing),
                        **openapi.errors(builder, _400="A query parameter is not valid."),
                        **openapi.cached(builder),
                    },
                    openapi.wagtail_parameters("limit", "offset", "format"),
                    tag="redirects",
                )
            }
        }
