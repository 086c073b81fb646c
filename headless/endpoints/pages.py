"""Pages of every type, each in one response: details, listings and find-by-path."""

import copy

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from rest_framework.fields import Field
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from wagtail.api.v2.serializers import (
    DetailUrlField,
    PageAliasOfField,
    PageParentField,
    PageSerializer,
    get_serializer_class,
)
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.models import Page, Site

from .. import openapi, schema
from ..cache import tags as cache_tags
from ..cache.tags import object_tag
from ..fields import (
    BlankAsNullMixin,
    CollectsHealthInformationField,
    LocaleField,
    PagePathField,
    PageUrlField,
    TranslationsField,
)
from ..filters import safe_filters
from ..pages import HeadlessApiMixin, route_in_language, unordered
from .base import BoundedInputMixin, CachedResponseMixin, ReferencesMixin, public_or_bad_request
from .redirects import find_redirect, redirect_data, redirect_schema


class PreviewSafeDetailUrlField(DetailUrlField):
    """A page previewed before its first save has no detail URL yet."""

    def get_attribute(self, instance):
        return None if instance.pk is None else super().get_attribute(instance)


class FieldsBuiltOnceMixin:
    """Mixed into a ModelSerializer: its fields are built from the model once per class.

    DRF builds them again for every instance (every page of a listing, every nested page), by
    looking the model's fields over; they depend on the class alone (Wagtail makes one per
    model and ``?fields=``), so each instance gets a copy of the first, as DRF gives each
    instance a copy of the fields declared on the class.
    """

    def get_fields(self):
        built = type(self).__dict__.get("_fields_built")
        if built is None:
            built = {
                name: (field, _holds_fields(field)) for name, field in super().get_fields().items()
            }
            type(self)._fields_built = built
        return {
            name: copy.deepcopy(field) if deep else _shallow_copy(field)
            for name, (field, deep) in built.items()
        }


def _holds_fields(field):
    """Whether the unbound ``field`` must be copied deep to be bound to one serializer instance.

    DRF's deep copy builds the field again from its arguments, which costs more than the rest
    of what a field does for a page. Binding sets only the copy's own attributes (its name,
    parent, label and source), so a shallow copy serves, unless the field holds fields of its
    own (a nested serializer, a list's child): those are bound to it, and copied deep. Asked
    once per field, when the class first builds its fields.
    """
    return isinstance(field, BaseSerializer) or any(
        isinstance(value, Field) for value in vars(field).values()
    )


def _shallow_copy(field):
    """``copy.copy(field)`` as it is for a DRF field (no ``__copy__`` nor ``__setstate__``),
    without going through ``__reduce_ex__``: a new instance with the same attributes."""
    clone = type(field).__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class NestedPageSerializer(FieldsBuiltOnceMixin, PageSerializer):
    """A page's parent or alias_of: Wagtail's, with the page's URL on the frontend."""

    html_url = PageUrlField()


_nested_serializer_classes = {}


class NestedPageMixin:
    """Mixed into Wagtail's parent and alias_of fields: the nested page through
    :class:`NestedPageSerializer` (Wagtail's serializer gives its URL on Wagtail's site),
    its class built once per page type."""

    def to_representation(self, value):
        serializer_class = _nested_serializer_classes.get(type(value))
        if serializer_class is None:
            serializer_class = get_serializer_class(
                type(value),
                ["id", "type", "detail_url", "html_url", "title"],
                meta_fields=["type", "detail_url", "html_url"],
                base=NestedPageSerializer,
            )
            _nested_serializer_classes[type(value)] = serializer_class
        return serializer_class(context=self.context).to_representation(value)


class NestedParentField(NestedPageMixin, PageParentField):
    pass


class NestedAliasOfField(NestedPageMixin, PageAliasOfField):
    pass


class FrontendPageSerializer(FieldsBuiltOnceMixin, BlankAsNullMixin, PageSerializer):
    path = PagePathField()
    html_url = PageUrlField()
    parent = NestedParentField(read_only=True)
    alias_of = NestedAliasOfField(read_only=True)
    locale = LocaleField()
    translations = TranslationsField()
    collects_health_information = CollectsHealthInformationField()
    detail_url = PreviewSafeDetailUrlField(read_only=True)


def _headless(model):
    return issubclass(model, HeadlessApiMixin)


NOT_FOUND = "No Page matches the given query."
"""What a detail of no page, or of one this request may not see, answers (as Wagtail's does)."""

_serializer_classes = {}
_SERIALIZER_CLASSES_KEPT = 500

_page_types = {}
"""``{page id: content type id}``: a page's type, which never changes, read once per process."""
_PAGE_TYPES_KEPT = 100_000


class PagesEndpoint(CachedResponseMixin, BoundedInputMixin, ReferencesMixin, PagesAPIViewSet):
    """Pages of every type, each in one response: details, listings and find-by-path."""

    base_serializer_class = FrontendPageSerializer
    filter_backends = safe_filters(PagesAPIViewSet.filter_backends)
    meta_fields = PagesAPIViewSet.meta_fields + [
        "path",
        "translations",
        "collects_health_information",
    ]
    listing_default_fields = PagesAPIViewSet.listing_default_fields + [
        "path",
        "translations",
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

    def response_own_tag(self):
        page = getattr(self, "_cached_object", None)
        return object_tag(page) if self.action == "detail_view" and page is not None else None

    def response_cache_tags(self):
        # Every page may show the site settings (a default disclaimer, the publisher). A listing
        # and a search depend on which pages exist. Find that found a page answers its detail
        # (a page at a path wins over any redirect, and no other page can take its path while
        # it is there); find that found a redirect depends on the pages that may take its path.
        tags = super().response_cache_tags() | {cache_tags.SETTINGS}
        if self.action != "detail_view":
            tags |= {cache_tags.PAGES, cache_tags.REDIRECTS}
        return tags

    @classmethod
    def get_listing_default_fields(cls, model):
        extra = model.api_listing_fields if _headless(model) else ()
        return super().get_listing_default_fields(model) + list(extra)

    def listing_serializer_class(self, model):
        return self._get_serializer_class(self.request.wagtailapi_router, model, [])

    def get_base_queryset(self):
        return self.public(Page.objects.all())

    def public(self, queryset):
        """``queryset``, of pages of any type, narrowed to those this request may see."""
        return public_or_bad_request(self.request, queryset)

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        # Wagtail builds a new serializer class, nested ones included, for every request; the
        # class depends only on these arguments, so each is built once per process.
        key = (cls, id(router), model, repr(fields_config), show_details, nested)
        serializer_class = _serializer_classes.get(key)
        if serializer_class is None:
            serializer_class = super()._get_serializer_class(
                router, model, fields_config, show_details=show_details, nested=nested
            )
            if len(_serializer_classes) >= _SERIALIZER_CLASSES_KEPT:  # ?fields= varies freely
                _serializer_classes.clear()
            _serializer_classes[key] = serializer_class
        return serializer_class

    def get_queryset(self):
        # Built once per request: the listing asks again for its serializer's model.
        if not hasattr(self, "_queryset"):
            self._queryset = self._build_queryset()
        return self._queryset

    def _build_queryset(self):
        try:
            models = page_models_from_string(self.request.GET.get("type") or "wagtailcore.Page")
        except (LookupError, ValueError) as e:
            raise BadRequestError("type doesn't exist") from e
        if len(models) == 1:
            # One type: the visibility rules on its own rows, not a subquery of page ids.
            queryset = self.public(models[0].objects.all())
        else:
            queryset = super().get_queryset()
        if _headless(queryset.model):
            queryset = queryset.model.api_queryset(queryset)
        return queryset

    # What a detail may be asked besides its id; any other parameter filters, as in Wagtail.
    detail_parameters = frozenset({"fields", "format", "site", "_"})

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            page = None
            if self.action == "detail_view" and self.request.GET.keys() <= self.detail_parameters:
                page = self._public_page(self.kwargs["pk"])
            else:
                page = BaseAPIViewSet.get_object(self)
                model = page.specific_class
                if model is not None and _headless(model):
                    page = model.api_queryset(model.objects.filter(pk=page.pk), detail=True)
                    page = page.get()
                else:
                    page = page.specific
            self._cached_object = page
        return self._cached_object

    def _public_page(self, pk):
        """The page with id ``pk``, of its own type, when this request may see it; else 404.

        The page's type is remembered per process (``_page_types``) and checked by the query
        that reads the page with what its detail shows: one query, unless the type is new to
        this process or the id now names another page (a restored database).
        """
        try:
            pk = int(pk)
        except ValueError as e:
            raise Http404(NOT_FOUND) from e
        remembered = _page_types.get(pk)
        page = self._public_page_of_type(pk, remembered) if remembered else None
        if page is None:
            content_type_id = (
                Page.objects.filter(pk=pk).values_list("content_type_id", flat=True).first()
            )
            if content_type_id is None:
                raise Http404(NOT_FOUND)
            if len(_page_types) >= _PAGE_TYPES_KEPT:
                _page_types.clear()
            _page_types[pk] = content_type_id
            if content_type_id != remembered:
                page = self._public_page_of_type(pk, content_type_id)
        if page is None:
            raise Http404(NOT_FOUND)
        return page

    def _public_page_of_type(self, pk, content_type_id):
        """The page ``pk`` as its type's detail reads it, if it is of that type and public."""
        model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
        queryset = self.public(model.objects.filter(pk=pk, content_type_id=content_type_id))
        if _headless(model):
            queryset = model.api_queryset(queryset, detail=True)
        return next(iter(unordered(queryset)[:1]), None)

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
        if isinstance(page, HeadlessApiMixin):
            page.prepare_api_detail(self.public, preview=preview)
        self.collect_references(page, detail=True)
        self.references.load()

    def collect_references(self, page, detail):
        self.references.add_page(page)
        self.references.add_translations(page)
        if isinstance(page, HeadlessApiMixin):
            page.collect_api_references(self.references, detail=detail)

    def find_object(self, queryset, request):
        """The page at ``?html_path=`` in its language (``/es/...``), or by ``?id=``."""
        site = Site.find_for_request(request)
        if "html_path" not in request.GET or site is None:
            return super().find_object(queryset, request)
        root, components = route_in_language(site, request.GET["html_path"])
        if root is None:
            return None
        try:
            page, _, _ = root.specific.route(request, components)
        except Http404:
            return None
        return page if queryset.filter(id=page.id).exists() else None

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
                        **openapi.errors(
                            builder,
                            _400="A query parameter is not valid.",
                            _404="?site= names no site.",
                        ),
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
