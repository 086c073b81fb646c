"""What every endpoint of the API shares: references, the response cache, bounded input."""

from django.conf import settings
from rest_framework.authentication import BaseAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page

from .. import cache
from ..pagination import BoundedPagination
from ..references import References
from ..renderers import CompactJSONRenderer
from ..visibility import public, sees_more_than_anonymous


def public_or_bad_request(request, queryset=None):
    """``queryset`` (every page by default) narrowed to the pages ``request`` may see.

    A ``?site=`` that is ambiguous or has no number for a port is a 400 with Wagtail's message;
    one that names no site stays Wagtail's 404 (see :func:`headless.visibility.public_pages`).
    """
    try:
        return public(Page.objects.all() if queryset is None else queryset, request)
    except ValueError as e:
        raise BadRequestError(str(e)) from e


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


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """``?format=`` may only say ``json``: another format is bad input (400), not DRF's 404."""

    def filter_renderers(self, renderers, format):
        renderers = [renderer for renderer in renderers if renderer.format == format]
        if not renderers:
            raise BadRequestError("format must be json, the only format the API answers in")
        return renderers


class CachedResponseMixin:
    """Serve anonymous GETs from the cache until what they show changes; see :mod:`.cache`.

    ``cache_tags`` names what an endpoint's answers depend on besides what its references
    loaded (``pages`` for listings: the set they filter).
    """

    # Compact JSON only: the browsable HTML API is for humans poking at a DRF project, not
    # frontends, and Wagtail's indentation makes every answer larger for no reader.
    renderer_classes = [CompactJSONRenderer]
    content_negotiation_class = JSONOnlyNegotiation
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
        own = self.response_own_tag()
        return cache.store(request, response, versions, self.response_cache_tags(), own=own)

    def response_own_tag(self):
        """The tag of the one object this answer is about (a page's detail), or None.

        After a change to it, its own answers are rendered again before those that show it.
        """
        return None

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


class KnownParametersOnly:
    """An endpoint that takes its ``known_query_parameters`` and no model-field filters.

    Wagtail also accepts every database field of the model as a filter; a listing built from
    its own query (terms with counts, the sitemap) would ignore them silently instead.
    """

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET) - self.known_query_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: "
                + ", ".join(sorted(unknown))
            )
