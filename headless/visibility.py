"""Which pages an API request may see: live, on the request's site, under no failed restriction.

Wagtail decides view restrictions (password, login, groups) per request. The restrictions are
read once per request and shared by everything that checks visibility while one response is
serialized: listings, details, page choosers, rich-text links, redirects.
"""

from wagtail.api.validators import SiteFilterValidator
from wagtail.models import Page, PageViewRestriction


def django_request(request):
    """The Django request behind a DRF request (or the request itself)."""
    return getattr(request, "_request", request)


def restricted_paths(request):
    """Tree paths of the pages this request may not see (view restrictions), fetched once."""
    request = django_request(request)
    if not hasattr(request, "_restricted_paths"):
        request._restricted_paths = [
            restriction.page.path
            for restriction in PageViewRestriction.objects.select_related("page")
            if not restriction.accept_request(request)
        ]
    return request._restricted_paths


def is_public(page, request):
    """Live and under no view restriction this request fails."""
    return page.live and not any(page.path.startswith(path) for path in restricted_paths(request))


def public_pages(request):
    """Live pages of the request's site that this request may see.

    The same rules as Wagtail's ``get_public_pages_queryset``, with the view restrictions read
    once per request. Raises ``ValueError`` for a ``?site=`` that names no site.
    """
    queryset = Page.objects.live()
    for path in restricted_paths(request):
        queryset = queryset.exclude(path__startswith=path)
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    if site is None:
        return queryset.none()
    return queryset.descendant_of(site.root_page, inclusive=True)
