"""How the API filters article listings: by condition and by treatment."""

from wagtail.api.v2.utils import BadRequestError

from headless import endpoints, openapi, schema
from headless.filters import SafeSearchFilter

from .fields import ARTICLE_MODEL


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
