"""The base of every page type the API serves, and the one place its hooks are written down."""

import functools

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language, get_language_from_path
from wagtail.coreutils import get_content_languages, get_supported_content_language_variant
from wagtail.models import Locale, Page, Site
from wagtail_headless_preview.models import HeadlessPreviewMixin

from . import preview as built_in_preview
from .frontend import frontend_configured, frontend_root_url


def route_in_language(site, path):
    """``(root, path components)``: where a site path leads, the way ``cms/urls.py`` lays the
    languages out. ``/es/articles/x/`` is ``articles/x`` under the Spanish translation of the
    site's root; a path without another language's prefix is under the root itself. ``root``
    is None when the site has no tree in that language."""
    components = [component for component in path.split("/") if component]
    language = get_language_from_path(path if path.startswith("/") else "/" + path)
    default = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    if language is None or language == default or language not in get_content_languages():
        return site.root_page, components
    locale = Locale.objects.filter(language_code=language).first()
    root = site.root_page.get_translation_or_none(locale) if locale else None
    return root, components[1:]


UNSERVED_EDITING_FIELDS = (
    "has_unpublished_changes",
    "latest_revision",
    "live_revision",
    "go_live_at",
    "expire_at",
    "expired",
    "locked",
    "locked_at",
    "locked_by",
)
"""The columns of Wagtail's draft, revision, scheduling and locking mixins, which pages and
snippets (``articles.models.Clinician.UNSERVED_FIELDS``) share: the API never shows nor asks
them."""

UNSERVED_PAGE_FIELDS = ("numchild", "draft_title", *UNSERVED_EDITING_FIELDS, "owner")
"""Wagtail's page columns the API never shows nor asks (editing and scheduling state): left
out of what the API reads, ``queryset.defer(*UNSERVED_PAGE_FIELDS)``, so Django builds and
reads fewer columns per page. Reading one later costs a query, which the query budgets catch."""


def unordered(queryset):
    """``queryset`` without the order its rows come in, for a query whose order nobody reads
    (one row by its id, rows sorted or keyed in Python).

    Treebeard orders every page queryset by ``path``, and to compile an ``ORDER BY`` Django
    hashes each column the query selects: a third of compiling a page query of its type.
    """
    return queryset.order_by()


_url_parts = {}
_URL_PARTS_KEPT = 10_000


def wagtail_url_parts(page, request=None):
    """Wagtail's own ``Page.get_url_parts(request)`` of ``page``, remembered per process by
    everything it reads: the page's ``url_path``, the sites whose trees hold it (as
    ``request`` caches their root paths), the request's site when there are several, the
    active language, the URLconf and script prefix ``reverse`` uses, and the two settings.

    Wagtail reverses its serve URL for each call: about 20 us, for each of the 25 pages a
    detail links to and the 50 cards of a listing.
    """
    possible_sites = page._get_relevant_site_root_paths(request)
    site = None
    if isinstance(request, HttpRequest) and len({values[0] for values in possible_sites}) > 1:
        site = Site.find_for_request(request)  # Wagtail prefers it; cached on the request
    key = (
        page.url_path,
        possible_sites,
        site.pk if site else None,
        get_language(),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        getattr(settings, "WAGTAIL_I18N_ENABLED", False),
        getattr(settings, "WAGTAIL_APPEND_SLASH", True),
    )
    parts = _url_parts.get(key, _url_parts)
    if parts is _url_parts:
        parts = Page.get_url_parts(page, request)
        if len(_url_parts) >= _URL_PARTS_KEPT:
            _url_parts.clear()
        _url_parts[key] = parts
    return parts


@functools.cache
def routed_by_wagtail(model):
    """Whether pages of ``model`` have Wagtail's URL parts (mapped to the frontend by
    :class:`FrontendUrlMixin`), which :func:`wagtail_url_parts` may give."""
    methods = [vars(cls)["get_url_parts"] for cls in model.__mro__ if "get_url_parts" in vars(cls)]
    return methods in ([Page.get_url_parts], [FrontendUrlMixin.get_url_parts, Page.get_url_parts])


def frontend_url_parts(parts):
    """Wagtail's ``get_url_parts`` of a page, with its root URL on the frontend's origin."""
    if parts is None or parts[1] is None:
        return parts
    site_id, root_url, page_path = parts
    return site_id, frontend_root_url(root_url), page_path


PAGE_TEMPLATE = "headless_page.html"
"""What a page's own URL on the CMS shows when no frontend is configured: a pointer to the API."""


class FrontendUrlMixin:
    """Mixed into a page model (before ``Page``) whose visitors see it on the frontend.

    Its URL is its site path on the frontend's origin (:mod:`headless.frontend`). Through
    ``get_url_parts``, Wagtail's extension point for pages routed elsewhere, so everything that
    asks a page its URL agrees: ``full_url`` (``meta.html_url``, the JSON-LD, the sitemap,
    reports) and ``url`` (the admin's View live). The site path, the third part, is unchanged.

    The page's URL on the CMS itself (Wagtail's ``serve``, after its view restrictions, a
    password page's form included) redirects there, or without a frontend answers
    :data:`PAGE_TEMPLATE`. Wagtail's page metaclass gives each page class a ``template`` of its
    own, so a mixin cannot name one: ``serve`` renders this template by name.
    """

    def serve(self, request, *args, **kwargs):
        parts = super().get_url_parts(request)  # Wagtail's own: the CMS site's root URL
        if parts is not None and parts[1] is not None:
            _site_id, root_url, page_path = parts
            frontend = frontend_root_url(root_url)
            if frontend != root_url:
                return redirect(frontend + page_path)
        return TemplateResponse(request, PAGE_TEMPLATE, self.get_context(request, *args, **kwargs))

    def get_url_parts(self, request=None):
        return frontend_url_parts(super().get_url_parts(request))

    def get_url(self, request=None, current_site=None):
        # Wagtail answers a path alone for a page on the admin's own site; the frontend is
        # another origin, where a path alone would lead back to the CMS.
        if frontend_configured():
            return self.get_full_url(request)
        return super().get_url(request, current_site)

    url = property(get_url)  # Page.url is bound to Page.get_url


class HeadlessApiMixin:
    """Mixed into a page model (before ``Page``) that the headless pages endpoint serves.

    The pages endpoint (:class:`headless.endpoints.PagesEndpoint`) calls these hooks, whose
    defaults do nothing:

    ``collects_health_information``
        True on page types that ask visitors about their health (forms); the API says so in
        ``meta.collects_health_information`` so a frontend turns third-party tracking off.
        Read from any page class, served through this mixin or not.
    ``api_listing_fields``
        Field names added to the listing's default fields for ``?type=<this model>``.
    ``api_queryset(queryset, detail=False)``
        The queryset the endpoint reads this type from, with what serializing needs fetched
        along (``select_related``, ``prefetch_related``, deferred bodies for cards) and the
        listing's default order. Called for listings and, with ``detail=True``, for a detail.
    ``prepare_api_detail(public, preview=False)``
        Before a detail is serialized: fetch what it shows beyond its own row (related pages,
        chosen in the editor's order), among the pages the request may see only: ``public``
        narrows a queryset of pages of any type to them. ``preview`` is true for an
        unsaved draft, whose relations live in memory, not in the database.
    ``collect_api_references(references, detail)``
        Add every image, page and document the serialized page will show to ``references``
        (:class:`headless.references.References`), so they load in one query per kind.
    """

    collects_health_information = False
    api_listing_fields = ()

    @classmethod
    def api_queryset(cls, queryset, detail=False):
        return queryset

    def prepare_api_detail(self, public, preview=False):
        pass

    def collect_api_references(self, references, detail):
        pass


class HeadlessPage(FrontendUrlMixin, HeadlessApiMixin, HeadlessPreviewMixin):
    """Mixed into a page model (before ``Page``) that the headless endpoints serve.

    Its URL is on the frontend (:class:`FrontendUrlMixin`), the pages endpoint calls its hooks
    (:class:`HeadlessApiMixin`, the one list of them). Previews open the frontend
    (wagtail-headless-preview), or, for a site no frontend previews, the built-in preview of
    the same JSON (:mod:`headless.preview`), shown by the template
    ``<app_label>/preview/<model_name>.html`` when the page type has one. A page type with a
    preview of its own (a form page's) takes the first two only.
    """

    def serve_preview(self, request, preview_mode):
        if built_in_preview.has_preview_frontend(self, request):
            return super().serve_preview(request, preview_mode)
        return built_in_preview.serve(request, self)
