"""Filter backends for the headless endpoints."""

from django.conf import settings
from wagtail.api.v2.filters import SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError


class SafeSearchFilter(SearchFilter):
    """Wagtail's full-text search, with input its backends choke on answered 400 first.

    The database backend builds one nested expression per word, so a few hundred words
    overflow Python's recursion limit; ``API_SEARCH_MAX_TERMS`` and ``API_SEARCH_MAX_LENGTH``
    keep a search to what a person types.
    """

    operators = ("and", "or")

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in self.operators:
            raise BadRequestError("search_operator must be 'and' or 'or'")
        # Quotes are query syntax to some backends (SQLite's FTS5) and a parse error to others.
        terms = request.GET["search"].replace('"', " ").strip()
        if not terms:
            raise BadRequestError("search needs at least one word")
        if len(terms.split()) > settings.API_SEARCH_MAX_TERMS:
            raise BadRequestError(f"search may have at most {settings.API_SEARCH_MAX_TERMS} words")
        if len(terms) > settings.API_SEARCH_MAX_LENGTH:
            raise BadRequestError(
                f"search may be at most {settings.API_SEARCH_MAX_LENGTH} characters long"
            )
        if getattr(queryset, "_filtered_by_tag", False):
            raise BadRequestError("filtering by tag with a search query is not supported")
        try:
            return get_search_backend().search(
                terms, queryset, operator=operator, order_by_relevance="order" not in request.GET
            )
        except (FilterFieldError, OrderByFieldError) as e:
            raise BadRequestError(f"cannot search with this filter or order: {e}") from e


def with_safe_search(backends):
    """``backends`` with Wagtail's search filter replaced by :class:`SafeSearchFilter`."""
    return [SafeSearchFilter if backend is SearchFilter else backend for backend in backends]
