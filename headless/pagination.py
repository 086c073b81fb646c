"""The paginator of every listing endpoint: Wagtail's ``limit``/``offset``, with offset bounded.

Wagtail bounds ``limit`` by ``WAGTAILAPI_LIMIT_MAX`` but passes any ``offset`` to the database,
where one past a 64-bit integer fails the query (PostgreSQL: bigint out of range; SQLite:
datatype mismatch). ``API_OFFSET_MAX`` is far beyond any listing a frontend pages through.
"""

from django.conf import settings
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError


class BoundedPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        try:
            offset = int(request.GET.get("offset", 0))
        except ValueError:
            offset = 0  # not a number: Wagtail's own check below says so
        if offset > settings.API_OFFSET_MAX:
            raise BadRequestError(f"offset cannot be higher than {settings.API_OFFSET_MAX}")
        return super().paginate_queryset(queryset, request, view)
