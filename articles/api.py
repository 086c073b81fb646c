"""The article API: listings filtered by condition and treatment, and the taxonomy itself."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import path
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.models import Locale

from headless import endpoints, openapi, schema
from headless.fields import model_values
from headless.filters import SafeSearchFilter, request_locale
from headless.visibility import public_pages

from .fields import ARTICLE_MODEL
from .models import ArticlePage, Condition, Treatment


class TaxonomyFilter:
    """``?condition=<slug>`` and ``?treatment=<slug>`` on article listings.

    A slug of the term in any language finds the articles filed under the term or any of its
    translations: a Spanish article may be filed under the English term it was translated with.
    """

    params = {"condition": ("conditions", Condition), "treatment": ("treatments", Treatment)}

    def filter_queryset(self, request, queryset, view):
        for param, (field, model) in self.params.items():
            if param not in request.GET:
                continue
            if queryset.model._meta.label != ARTICLE_MODEL:
                raise BadRequestError(f"filtering by {param} needs type={ARTICLE_MODEL}")
            keys = model.objects.filter(slug=request.GET[param]).values("translation_key")
            filed = ArticlePage.objects.filter(**{f"{field}__translation_key__in": keys})
            queryset = queryset.filter(pk__in=filed.values("pk"))
        return queryset

    @classmethod
    def api_parameters(cls):
        return [
            openapi.query(
                param,
                schema.STRING,
                f"Only articles of this {param} (its slug); needs type={ARTICLE_MODEL}.",
            )
            for param in cls.params
        ]


class PagesEndpoint(endpoints.PagesEndpoint):
    """The pages endpoint, with article listings filtered by condition and treatment."""

    # Before the search: a search's results can no longer be filtered.
    filter_backends = [
        *(b for b in endpoints.PagesEndpoint.filter_backends if b is not SafeSearchFilter),
        TaxonomyFilter,
        SafeSearchFilter,
    ]
    known_query_parameters = endpoints.PagesEndpoint.known_query_parameters.union(
        TaxonomyFilter.params
    )


class ArticlesEndpoint(PagesEndpoint):
    """GET /api/v2/articles/: the pages listing of articles alone, typed as their listing.

    The answer of ``/api/v2/pages/?type=articles.ArticlePage`` with the same parameters, under
    an operation of its own, so that a generated client types it as ``ArticlePageListing``
    rather than any page type's listing. Details and find stay under /api/v2/pages/.
    """

    def listing_view(self, request):
        if "type" in request.GET:
            raise BadRequestError(f"type is not a parameter here: this lists {ARTICLE_MODEL}")
        query = request._request.GET.copy()
        query["type"] = ARTICLE_MODEL
        request._request.GET = query
        return super().listing_view(request)

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def api_operations(cls, builder, path):
        listing = super().api_operations(builder, path)[path]["get"]
        return {
            path: {
                "get": {
                    **listing,
                    "operationId": "articles_listing",
                    "summary": "Articles: the pages listing of one type, typed as its listing",
                    "description": f"As /api/v2/pages/?type={ARTICLE_MODEL}, with the same "
                    "parameters but type, and the article fields for ?fields= and filters.",
                    "parameters": [p for p in listing["parameters"] if p["name"] != "type"],
                    "responses": {
                        **listing["responses"],
                        "200": openapi.response(
                            "A page of the listing.", schema.ref(f"{ARTICLE_MODEL}Listing")
                        ),
                    },
                }
            }
        }


class TaxonomyEndpoint(
    endpoints.CachedResponseMixin,
    endpoints.KnownParametersOnly,
    endpoints.BoundedInputMixin,
    endpoints.ReferencesMixin,
    BaseAPIViewSet,
):
    """Every term of one taxonomy by name, with how many articles a visitor finds under it.

    ``?locale=`` asks for the terms in that language: a term not translated into it comes in
    the default language, and ``locale`` of each says which. ``article_count`` counts the live
    articles of the request's site that it may see, in that language when ``?locale=`` is
    given, filed under the term or its translations: the ones
    ``/api/v2/pages/?type=articles.ArticlePage&<name>=<slug>[&locale=]`` lists.
    """

    fields = ("name", "slug", "description")
    field_name = None
    """The article field holding the terms (``conditions``)."""
    known_query_parameters = frozenset(["limit", "offset", "site", "format", "locale"])
    # A term's count changes with any article's publishing; each term's own tag with its edits.
    cache_tags = ("pages",)

    def response_cache_tags(self):
        # A new term is in no answer yet: the set of terms has its own tag.
        return super().response_cache_tags() | {f"snippets-{self.model._meta.model_name}"}

    def get_queryset(self):
        asked = request_locale(self.request, default=False)
        locale = asked or Locale.get_default()
        try:
            articles = public_pages(self.request).type(ArticlePage)
        except ValueError as e:
            raise BadRequestError(str(e)) from e
        if asked is not None:
            articles = articles.filter(locale=asked)
        counts = (
            ArticlePage.objects.filter(
                pk__in=articles.values("pk"),
                **{f"{self.field_name}__translation_key": OuterRef("translation_key")},
            )
            .order_by()
            .values(f"{self.field_name}__translation_key")
            .annotate(count=Count("pk", distinct=True))
            .values("count")
        )
        terms = self.model.objects.filter(locale=locale)
        default = Locale.get_default()
        if locale.pk != default.pk:
            # Untranslated terms in the default language.
            translated = self.model.objects.filter(locale=locale).values("translation_key")
            terms = self.model.objects.filter(
                Q(locale=locale) | Q(locale=default) & ~Q(translation_key__in=translated)
            )
        return (
            terms.select_related("locale")
            .annotate(article_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0))
            .order_by("name", "pk")
        )

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        terms = self.paginate_queryset(queryset)
        self.references.depend_on(*terms)
        items = [
            {
                **model_values(term, self.fields),
                "locale": term.locale.language_code,
                "article_count": term.article_count,
            }
            for term in terms
        ]
        return self.get_paginated_response(items)

    @classmethod
    def get_urlpatterns(cls):
        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def api_operations(cls, builder, path):
        label = cls.model.__name__
        plural = cls.model._meta.verbose_name_plural  # DRF's as_view() resets cls.name
        term = builder.define(
            f"{label}WithCount",
            schema.obj(
                {
                    **builder.model_fields(cls.model, cls.fields),
                    "locale": schema.locale(),
                    "article_count": {"type": "integer", "minimum": 0},
                },
                description=f"A {label.lower()}: articles are listed under it with "
                f"?{label.lower()}=<slug>.",
            ),
        )
        listing = schema.listing(
            builder, f"{label}Listing", term, description=f"GET /api/v2/{plural}/"
        )
        return {
            path: {
                "get": openapi.operation(
                    f"{plural}_listing",
                    f"Every {label.lower()}, by name, with its number of articles",
                    {
                        200: openapi.response("A page of the listing.", listing),
                        **openapi.errors(
                            builder,
                            _400="A query parameter is not valid.",
                            _404="?site= names no site.",
                        ),
                        **openapi.cached(builder),
                    },
                    [
                        *openapi.wagtail_parameters("limit", "offset", "site", "format"),
                        openapi.query(
                            "locale",
                            schema.locale(),
                            "The terms in this language (untranslated ones in the default "
                            "language) and the counts of articles in it.",
                        ),
                    ],
                    tag="articles",
                )
            }
        }


class ConditionsEndpoint(TaxonomyEndpoint):
    model = Condition
    name = "conditions"
    field_name = "conditions"


class TreatmentsEndpoint(TaxonomyEndpoint):
    model = Treatment
    name = "treatments"
    field_name = "treatments"
    fields = (*TaxonomyEndpoint.fields, "regulatory_note")
