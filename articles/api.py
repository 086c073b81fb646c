"""The article API: listings filtered by condition and treatment, and the taxonomy itself."""

from django.db.models import Count, Q
from django.urls import path
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from headless import endpoints, openapi, schema
from headless.fields import model_values
from headless.filters import SafeSearchFilter
from headless.visibility import public_pages

from .fields import ARTICLE_MODEL
from .models import ArticlePage, Condition, Treatment


class TaxonomyFilter:
    """``?condition=<slug>`` and ``?treatment=<slug>`` on article listings."""

    params = {"condition": "conditions__slug", "treatment": "treatments__slug"}

    def filter_queryset(self, request, queryset, view):
        for param, lookup in self.params.items():
            if param not in request.GET:
                continue
            if queryset.model._meta.label != ARTICLE_MODEL:
                raise BadRequestError(f"filtering by {param} needs type={ARTICLE_MODEL}")
            queryset = queryset.filter(**{lookup: request.GET[param]})
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


class TaxonomyEndpoint(
    endpoints.CachedResponseMixin,
    endpoints.KnownParametersOnly,
    endpoints.BoundedInputMixin,
    endpoints.ReferencesMixin,
    BaseAPIViewSet,
):
    """Every term of one taxonomy by name, with how many articles a visitor finds under it.

    ``article_count`` counts the live articles of the request's site that it may see, the
    ones ``/api/v2/pages/?type=articles.ArticlePage&<name>=<slug>`` lists.
    """

    fields = ("name", "slug", "description")
    known_query_parameters = frozenset(["limit", "offset", "site", "format"])
    # A term's count changes with any article's publishing; each term's own tag with its edits.
    cache_tags = ("pages",)

    def response_cache_tags(self):
        # A new term is in no answer yet: the set of terms has its own tag.
        return super().response_cache_tags() | {f"snippets-{self.model._meta.model_name}"}

    def get_queryset(self):
        try:
            articles = public_pages(self.request).type(ArticlePage).values("pk")
        except ValueError as e:
            raise BadRequestError(str(e)) from e
        visible = Q(articles__page_ptr__in=articles)
        return self.model.objects.annotate(
            article_count=Count("articles", filter=visible, distinct=True)
        ).order_by("name")

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        terms = self.paginate_queryset(queryset)
        self.references.depend_on(*terms)
        items = [
            {**model_values(term, self.fields), "article_count": term.article_count}
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
                    openapi.wagtail_parameters("limit", "offset", "site", "format"),
                    tag="articles",
                )
            }
        }


class ConditionsEndpoint(TaxonomyEndpoint):
    model = Condition
    name = "conditions"


class TreatmentsEndpoint(TaxonomyEndpoint):
    model = Treatment
    name = "treatments"
    fields = (*TaxonomyEndpoint.fields, "regulatory_note")
