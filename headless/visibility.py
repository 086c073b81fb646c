"""What an API request may see: live pages on its site, under no restriction it fails, and
snippets with drafts (``DraftStateMixin``) only as published (:func:`live_only`).

Wagtail decides view restrictions (password, login, groups) per request, for pages and for
collections of images and documents. They are read once per request and shared by everything
that checks visibility while one response is serialized: listings, details, page choosers,
rich-text links and embeds, images, documents, redirects.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Left, Length
from django.http.request import split_domain_port
from wagtail.api.validators import SiteFilterValidator
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    DraftStateMixin,
    Page,
    PageViewRestriction,
    Site,
)

from .cache import Memo
from .cache import tags as cache_tags


def django_request(request):
    """The Django request behind a DRF request (or the request itself)."""
    return getattr(request, "_request", request)


def is_live(obj):
    """Whether ``obj`` may be shown: a snippet with drafts only once published.

    A published snippet's row holds its live version (drafts stay in its revisions), so a live
    row is what to show; a row never published (or unpublished) is not shown at all.
    """
    return obj is not None and (not isinstance(obj, DraftStateMixin) or obj.live)


def live_only(objects):
    """``objects`` as loaded (prefetched ones included), less those :func:`is_live` refuses."""
    return [obj for obj in objects if is_live(obj)]


def live_rows(queryset):
    """``queryset`` less the rows :func:`is_live` refuses, in the query."""
    if issubclass(queryset.model, DraftStateMixin):
        return queryset.filter(live=True)
    return queryset


def has_credentials(request):
    """A session (signed in, or a page password typed) or an Authorization header."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES or "HTTP_AUTHORIZATION" in request.META


def _failed_restrictions(request):
    """Tree paths of the pages, and ids of the collections, whose restrictions this request
    fails.

    Read once per request. An anonymous request fails every restriction (password, login and
    groups alike), so both kinds come in one query without asking each restriction.
    """
    request = django_request(request)
    if not hasattr(request, "_failed_restrictions"):
        if has_credentials(request):
            page_paths = [
                restriction.page.path
                for restriction in PageViewRestriction.objects.select_related("page")
                if not restriction.accept_request(request)
            ]
            collection_ids = [
                restriction.collection_id
                for restriction in CollectionViewRestriction.objects.all()
                if not restriction.accept_request(request)
            ]
        else:
            page_paths, collection_ids = _every_restriction(request)
        request._failed_restrictions = (page_paths, collection_ids)
    return request._failed_restrictions


_every_restriction_read = Memo(cache_tags.EVERYTHING, cache_tags.PAGES, cache_tags.RESTRICTIONS)
"""``(page paths, collection ids)`` of every restriction: see :func:`_every_restriction`."""


def _every_restriction(request):
    """Tree paths of every restricted page, and ids of every restricted collection, which an
    anonymous request fails.

    Read from the database once per process while the versions of ``restrictions``, ``pages``
    (a restricted page may move: moves bump it) and ``all`` stay as they were (a
    :class:`~headless.cache.Memo`). Collections are remembered by id, never by tree path:
    Wagtail keeps sibling collections in name order, so adding, moving or deleting one
    renumbers its siblings' paths, and nothing tells this process.
    """
    read = _every_restriction_read.get(request, None, _read_every_restriction)
    return list(read[0]), list(read[1])


def _read_every_restriction():
    kind = Value("page", output_field=CharField())
    pages = PageViewRestriction.objects.values_list(kind, "page__path")
    kind = Value("collection", output_field=CharField())
    collections = CollectionViewRestriction.objects.values_list(
        kind, Cast("collection_id", CharField())
    )
    rows = list(pages.union(collections, all=True))
    return (
        [value for kind, value in rows if kind == "page"],
        [int(value) for kind, value in rows if kind == "collection"],
    )


def restricted_paths(request):
    """Tree paths of the pages this request may not see (view restrictions)."""
    return _failed_restrictions(request)[0]


def restricted_collection_ids(request):
    """Ids of the collections whose images and documents this request may not see.

    A restriction covers its collection's descendants too, as Wagtail's document serving does.
    They are found in the collection tree as it is now, in one query: a collection is under a
    restricted one when the restricted one's path begins its own.
    """
    request = django_request(request)
    if not hasattr(request, "_restricted_collection_ids"):
        restricted = _failed_restrictions(request)[1]
        ids = set()
        if restricted:
            ancestor = Collection.objects.filter(
                pk__in=restricted, path=Left(OuterRef("path"), Length("path"))
            )
            ids = set(Collection.objects.filter(Exists(ancestor)).values_list("pk", flat=True))
        request._restricted_collection_ids = ids
    return request._restricted_collection_ids


def sees_more_than_anonymous(request):
    """Whether this request passes a view restriction an anonymous visitor fails.

    Its answers then depend on who asks and must never be shared. Only a request with
    credentials can; anonymous requests are decided without a query.
    """
    request = django_request(request)
    if not has_credentials(request):
        return False
    if not hasattr(request, "_sees_more_than_anonymous"):
        restrictions = [
            *PageViewRestriction.objects.all(),
            *CollectionViewRestriction.objects.all(),
        ]
        request._sees_more_than_anonymous = any(
            restriction.accept_request(request) for restriction in restrictions
        )
    return request._sees_more_than_anonymous


def is_public(page, request):
    """Live and under no view restriction this request fails."""
    return page.live and not any(page.path.startswith(path) for path in restricted_paths(request))


def site_trees(site):
    """Tree paths of the site's root page and of its translations, the roots of the site's
    trees in other languages.

    Which they are comes from Wagtail's cached site root paths (dropped whenever a site or a
    root changes); their tree paths, which search backends can filter on, are cached under
    them, so a request asks the database for neither.
    """
    roots = sorted(root.root_path for root in Site.get_site_root_paths() if root.site_id == site.pk)
    key = "headless-site-trees:" + hashlib.sha256("|".join(roots).encode()).hexdigest()
    paths = cache.get(key)
    if paths is None:
        paths = list(Page.objects.filter(url_path__in=roots).values_list("path", flat=True))
        cache.set(key, paths, 3600)
    return paths


def request_site(request):
    """The site a request reads (``?site=``, else its host's), found once per request.

    Wagtail's ``SiteFilterValidator`` decides: ``Http404`` when ``?site=`` names no site,
    ``ValueError`` when it is ambiguous or its port no number. Which site a host reads is
    remembered by this process while no site or page changed (:func:`_site_for_host`).
    """
    request = django_request(request)
    if not hasattr(request, "_headless_site"):
        if not request.GET.get("site") and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = _site_for_host(request)
        validator = SiteFilterValidator(site=request.GET.get("site"), request=request)
        request._headless_site = validator.site_obj
    return request._headless_site


_sites_by_host = Memo(cache_tags.EVERYTHING, cache_tags.PAGES)


def _site_for_host(request):
    """Wagtail's site for the request's host and port, read from the database once per host
    until the versions of ``all`` (which a site change bumps) or ``pages`` (a root page's)
    change: Wagtail's lookup costs more to build than the rest of a detail's queries."""
    key = (split_domain_port(request._get_raw_host())[0], request.get_port())
    return _sites_by_host.get(request, key, lambda: Site._find_for_request(request))


def public(queryset, request):
    """``queryset``, of pages of any type, narrowed to those :func:`public_pages` holds.

    The rules apply to the type's own rows, so a listing or a lookup of one page type needs no
    subquery of page ids.
    """
    queryset = queryset.filter(live=True)
    for path in restricted_paths(request):
        queryset = queryset.exclude(path__startswith=path)
    paths = request_site_trees(request)
    if paths is None:
        return queryset.none()
    trees = Q()
    for path in paths:
        trees |= Q(path__startswith=path)
    return queryset.filter(trees)


def counted(queryset, request):
    """``queryset``, of pages :func:`public` let through for ``request``, in the form that is
    quickest to count: on SQLite, with each of the site's trees also as a range of paths.

    SQLite cannot answer ``path LIKE '00010002%'`` (Django's ``startswith``) from the path
    index, as LIKE ignores case and the column does not: a listing's count read every page,
    2 ms among 2,000 articles. A path under a tree sorts at or after the tree's own and before
    the next path of its length, so the range holds the same pages, read from the index. For
    counting only: an ordered query with the range reads every page in it to sort them, where
    without it SQLite walks the order's own index and stops after one listing's worth.
    """
    paths = request_site_trees(request)
    if not paths or connections[queryset.db].vendor != "sqlite":
        return queryset
    ranges = Q()
    for path in paths:
        ranges |= Q(path__gte=path, path__lt=path[:-1] + chr(ord(path[-1]) + 1))
    return queryset.filter(ranges)


def request_site_trees(request):
    """:func:`site_trees` of the request's site (None without a site), found once per request:
    each look in the shared cache is a round trip to Redis."""
    request = django_request(request)
    if not hasattr(request, "_headless_site_trees"):
        site = request_site(request)
        request._headless_site_trees = None if site is None else site_trees(site)
    return request._headless_site_trees


def public_pages(request):
    """Live pages of the request's site, in every language, that this request may see.

    The same rules as Wagtail's ``get_public_pages_queryset``, with the view restrictions read
    once per request, and the trees of the site root's translations found without a query.
    For a ``?site=`` Wagtail's ``SiteFilterValidator`` raises ``Http404`` when it names no
    site (as ``/api/v2/site/`` answers) and ``ValueError`` when it is ambiguous or its port no
    number.
    """
    return public(Page.objects.all(), request)
