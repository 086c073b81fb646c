"""Filter backends for the headless endpoints."""

from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.http import QueryDict
from wagtail.api.v2.filters import FieldsFilter, LocaleFilter, SearchFilter
from wagtail.api.v2.utils import BadRequestError
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale
from wagtail.search.backends import get_search_backend
from wagtail.search.backends.base import FilterFieldError, OrderByFieldError


class SafeSearchFilter(SearchFilter):
    """Wagtail's full-text search, with input its backends choke on answered 400 first.

    The database backend builds one nested expression per word, so a few hundred words
    overflow Python's recursion limit; ``API_SEARCH_MAX_TERMS`` and ``API_SEARCH_MAX_LENGTH``
    keep a search to what a person types. Every filter combines with a search: one on a field
    the index does not hold is applied as a subquery of ids.
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
        backend = get_search_backend()
        by_relevance = "order" not in request.GET
        try:
            try:
                return backend.search(
                    terms, queryset, operator=operator, order_by_relevance=by_relevance
                )
            except FilterFieldError:
                # A filter on a field the search index does not hold (?slug=, a taxonomy):
                # search the endpoint's own set among the filtered ids instead, in their order.
                # The ids are one subquery, which every backend can filter on.
                searchable = view.get_queryset().filter(id__in=queryset.order_by().values("id"))
                return backend.search(
                    terms,
                    searchable.order_by(*queryset.query.order_by),
                    operator=operator,
                    order_by_relevance=by_relevance,
                )
        except OrderByFieldError as e:
            fields = sorted(
                {field.field_name for field in queryset.model.get_filterable_search_fields()}
            )
            raise BadRequestError(
                f"search results cannot be ordered by {e.field_name}; leave order out to have "
                f"them by relevance, or order by one of: {', '.join(fields)}"
            ) from e
        except FilterFieldError as e:
            raise BadRequestError(
                f"search cannot be combined with a filter on {e.field_name}"
            ) from e


class SafeFieldsFilter(FieldsFilter):
    """Wagtail's field filters (``?id=``, ``?alias_of=``, ``?first_published_at=``), with values
    the database cannot compare answered 400 rather than failing the query: text that is no
    date, a number past what the column holds (SQLite: Python int too large).
    """

    def filter_queryset(self, request, queryset, view):
        fields = set(view.get_available_fields(queryset.model, db_fields_only=True))
        fields.discard("locale")  # a field, but ?locale= is LocaleFilter's, a language code
        # Only the parameters that name a field are read (by name), and Wagtail's filter is
        # given only those: the response cache keys an answer by what its view read, and a
        # detail ignores parameters that name no field.
        named = QueryDict(mutable=True)
        for name in sorted(fields.intersection(request.GET.keys())):
            named.setlist(name, request.GET.getlist(name))
            self.check_value(queryset.model, name, named[name])
        return super().filter_queryset(SimpleNamespace(GET=named), queryset, view)

    @staticmethod
    def check_value(model, name, value):
        try:
            field = model._meta.get_field(name)
        except LookupError:
            return
        if isinstance(field, models.ForeignKey):
            field = field.target_field
        if field.is_relation or isinstance(field, models.BooleanField):
            return  # tags, and booleans Wagtail parses itself
        try:
            value = field.to_python(value)
        except ValidationError as e:
            raise BadRequestError(f"field filter error. {name} cannot be {value!r}") from e
        if isinstance(field, models.IntegerField | models.AutoField) and value is not None:
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                raise BadRequestError(f"field filter error. {name} is out of range")


def request_locale(request, default=True):
    """The locale ``?locale=`` names (a content language's code); without it the default
    locale, or None when ``default`` is false. Any other value is bad input (400)."""
    code = request.GET.get("locale")
    if code is None:
        return Locale.get_default() if default else None
    locale = Locale.objects.filter(language_code=code).first() if isinstance(code, str) else None
    if locale is None or code not in get_content_languages():
        raise BadRequestError(f"locale must be one of: {', '.join(get_content_languages())}")
    return locale


class SafeLocaleFilter(LocaleFilter):
    """``?locale=<language code>``: pages in that language; 400 for a code that is none of the
    content languages (Wagtail answers 404, as for a missing page)."""

    def filter_queryset(self, request, queryset, view):
        locale = request_locale(request, default=False)
        if locale is None:
            return queryset
        return queryset.filter(locale=locale)


SAFE_FILTERS = {
    SearchFilter: SafeSearchFilter,
    FieldsFilter: SafeFieldsFilter,
    LocaleFilter: SafeLocaleFilter,
}


def safe_filters(backends):
    """``backends`` with Wagtail's search and field filters replaced by the safe ones here."""
    return [SAFE_FILTERS.get(backend, backend) for backend in backends]
