"""The paginator of every listing endpoint: Wagtail's ``limit``/``offset``, with offset bounded.

Wagtail bounds ``limit`` by ``WAGTAILAPI_LIMIT_MAX`` but passes any ``offset`` to the database,
where one past a 64-bit integer fails the query (PostgreSQL: bigint out of range; SQLite:
datatype mismatch). ``API_OFFSET_MAX`` is far beyond any listing a frontend pages through.
"""

from django.conf import settings
from django.db.models import QuerySet
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page

from .visibility import counted


class BoundedPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        try:
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            offset = 0  # not a number: Wagtail's own check below says so
        if offset > settings.API_OFFSET_MAX:
            raise BadRequestError(f"offset cannot be higher than {settings.API_OFFSET_MAX}")
        return super().paginate_queryset(_Listed(queryset, request), request, view)


class _Listed:
    """What Wagtail's paginator reads of a listing's queryset: its count, quickest counted
    (:func:`total_count`), and a slice of it."""

    def __init__(self, queryset, request):
        self.queryset = queryset
        self.request = request

    def count(self):
        return total_count(self.queryset, self.request)

    def __getitem__(self, items):
        return self.queryset[items]


def total_count(queryset, request):
    """How many items a listing holds. Every page listing is narrowed to the pages the request
    may see (``headless.visibility.public``), so its pages count as
    ``headless.visibility.counted`` has them."""
    if isinstance(queryset, QuerySet) and issubclass(queryset.model, Page):
        queryset = counted(queryset, request)
    return queryset.count()


class LongPagination(BoundedPagination):
    """Pages of up to ``LIMIT_MAX`` items, all of them unless ``limit`` asks for fewer: for
    listings a frontend reads whole at build time (the sitemap), where 100 means many requests.
    """

    LIMIT_MAX = 1000

    def paginate_queryset(self, queryset, request, view=None):
        values = {}
        for name, default, high in (
            ("limit", self.LIMIT_MAX, self.LIMIT_MAX),
            ("offset", 0, settings.API_OFFSET_MAX),
        ):
            try:
                values[name] = int(request.GET.get(name, default))
            except ValueError:
                values[name] = -1
            if not 0 <= values[name] <= high:
                raise BadRequestError(f"{name} must be a whole number from 0 to {high}")
        self.view = view
        self.total_count = total_count(queryset, request)
        start = values["offset"]
        return queryset[start : start + values["limit"]]
