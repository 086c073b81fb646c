"""Redirects: find-by-path's answer for a moved page, and the listing a frontend applies."""

from urllib.parse import urlsplit

from django.utils.encoding import iri_to_uri
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from .. import schema
from ..cache import tags
from ..fields import field_value
from ..visibility import is_public
from .listing import ListingEndpoint


def find_redirect(request, html_path):
    """The redirect Wagtail's redirect middleware would answer ``html_path`` with, or None.

    The same rules, so the API and the site never disagree on a path: the percent-encoded and
    the unicode form of the path, the site's own redirect before an all-sites one, and the path
    without its query string when no redirect names the query.
    """
    # As the middleware sees a request's path: percent-encoded (a browser sends /caf%C3%A9/).
    path = Redirect.normalise_path(iri_to_uri(html_path), decode_unicode=False)
    redirect = get_redirect(request, path)
    without_query = urlsplit(path).path
    if redirect is None and without_query != path:
        redirect = get_redirect(request, without_query)
    return redirect


def redirect_data(redirect, references):
    page = redirect.redirect_page
    if page is None:
        target = field_value(redirect, "redirect_link")
    else:
        # A redirect to a page visitors cannot see must not reveal where that page lives.
        target = references.page_path(page) if is_public(page, references.request) else None
    return {
        "old_path": redirect.old_path,
        "target": target,
        "is_permanent": redirect.is_permanent,
        "status_code": 301 if redirect.is_permanent else 302,
    }


def redirect_schema(builder):
    """The schema of :func:`redirect_data`; returns a reference to it."""
    return builder.define(
        "Redirect",
        schema.obj(
            {
                "old_path": schema.STRING,
                "target": schema.nullable(schema.STRING),
                "is_permanent": schema.BOOLEAN,
                "status_code": schema.enum([301, 302]),
            },
            description="target is a path on this site or an outside URL; null when its page is gone.",
        ),
    )


class RedirectsEndpoint(ListingEndpoint):
    """Redirects editors manage in the admin, for a frontend that applies them itself."""

    model = Redirect
    name = "redirects"
    known_query_parameters = frozenset(["limit", "offset", "format"])
    cache_tags = (tags.REDIRECTS,)
    listing_schema = "RedirectListing"
    summary = "The redirects of the request's site, by old path"
    openapi_tag = "redirects"

    def get_queryset(self):
        site = Site.find_for_request(self.request)
        return Redirect.get_for_site(site).select_related("redirect_page").order_by("old_path")

    def item(self, redirect):
        return redirect_data(redirect, self.references)

    @classmethod
    def item_schema(cls, builder):
        return redirect_schema(builder)
