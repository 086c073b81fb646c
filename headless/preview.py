"""The built-in preview: a draft as plain, accessible HTML, for a site no frontend previews.

Without a preview frontend for the site (neither ``FRONTEND_PREVIEW_URL`` nor an entry of
``FRONTEND_PREVIEW_URLS``, as in a newcomer's ``make run``), the admin's Preview shows this page
instead of framing a frontend (:meth:`headless.pages.HeadlessPage.serve_preview`).

It renders exactly what a frontend would: the draft is stored under a signed token, as for a
frontend, and the preview endpoint (``/api/v2/page_preview/``) is asked for it in-process,
anonymously, as a frontend's server asks. The JSON is then shown by the page type's template,
``<app_label>/preview/<model_name>.html`` (``articles/preview/article_page.html``), or by
``headless/preview/page.html``, which shows the words of any page. Body blocks are rendered by
``{% preview_blocks %}`` (:mod:`headless.templatetags.headless_preview`).

Below the draft, reviewers get what the words alone would hide: every link's target beside its
text (:func:`outbound_links`), and a link to Wagtail's comparison of the draft with the live
version (:func:`compare_url`).

Only Wagtail's preview views call it, and they let only those who may edit the page in. The
answer is never cached and allows only this site's scripts and the one script of the answer's
nonce: Wagtail's userbar, whose content checks the editor's Checks panel runs on the preview
(:mod:`articles.live_checks`), and the CMS's click-to-edit (``preview-edit.js``): what it shows
is marked with the paths of the preview answer's ``meta.edit_paths``, and a click takes the
editor around the preview there (:func:`editor_js`, docs/preview.md). The admin's "As published on..." view
(:mod:`articles.as_published`) shows a past live version the same way, under its own banner.
"""

import html
import json
import re
import secrets
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import get_script_prefix, resolve, reverse
from django.utils.cache import patch_cache_control
from django.utils.html import format_html, strip_tags
from wagtail.coreutils import camelcase_to_underscore
from wagtail_headless_preview.models import PagePreview

from . import inprocess

PREVIEW_ENDPOINT = "wagtailapi:page_preview:detail"
"""The URL name of the preview endpoint, under the namespace Wagtail's documentation gives the
API router and ``cms/api.py`` uses."""

CREDENTIALS = ("HTTP_COOKIE", "HTTP_AUTHORIZATION")
"""Left out of the request to the endpoint: a frontend's server asks as nobody in particular."""

DRAFT_BANNER = "Preview of an unpublished draft"

EDIT_SCRIPT = "headless/preview-edit.js"
"""The click-to-edit script of a preview page: the built-in preview's and a frontend's."""

EDITOR_SCRIPT = "headless/preview-edit-admin.js"
"""The page editor's side of click-to-edit: takes the preview's messages, shows the field."""


def has_preview_frontend(page, request):
    """Whether a frontend previews pages of the request's site (wagtail-headless-preview)."""
    return bool(page.get_client_root_url(request).strip("/"))


def draft_data(request, page):
    """``(status, JSON)`` the preview endpoint answers a frontend for the draft ``page``."""
    PagePreview.garbage_collect()
    preview = page.create_page_preview()
    return api_data(
        request,
        reverse(PREVIEW_ENDPOINT),
        {"content_type": page.get_content_type_str(), "token": preview.token},
    )


def api_data(request, path, query, as_user=False):
    """``(status, JSON)`` the API answers a GET of ``path?query``, asked in-process.

    As nobody in particular (a frontend's server), unless ``as_user``: then as the signed-in
    user of ``request``, with its session, as the API would see the same browser asking.
    """
    api_request = inprocess.get(
        "/" + path.removeprefix(get_script_prefix()),
        urlencode(query),
        {name: value for name, value in request.META.items() if as_user or name not in CREDENTIALS},
    )
    if as_user:
        # What the session and authentication middleware would have set on it.
        api_request.session, api_request.user = request.session, request.user
    match = resolve(api_request.path_info)
    response = match.func(api_request, *match.args, **match.kwargs)
    response.render()
    return response.status_code, json.loads(response.content)


_LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.DOTALL)


def outbound_links(data):
    """``[(text, target)]`` of every link in a page's API JSON, in order: links in rich text
    (as the API renders them, unsafe targets already dropped), ``href`` of link blocks and
    ``link`` of citations. ``meta`` (the page's own URLs) is left out."""
    links = []
    if isinstance(data, str):
        for target, text in _LINK.findall(data):
            links.append((html.unescape(strip_tags(text)).strip(), html.unescape(target)))
    elif isinstance(data, list):
        for item in data:
            links.extend(outbound_links(item))
    elif isinstance(data, dict):
        for key, value in data.items():
            if key == "meta":
                continue
            if key in ("href", "link") and isinstance(value, str) and value:
                links.append((data.get("label") or data.get("text") or "", value))
            else:
                links.extend(outbound_links(value))
    return links


def compare_url(page):
    """Wagtail's comparison of the latest draft with the live version, or None when unpublished."""
    # ``live`` is kept on a draft loaded from a revision; ``live_revision`` is not.
    if page.pk is None or not page.live:
        return None
    return reverse("wagtailadmin_pages:revisions_compare", args=[page.pk, "live", "latest"])


def preview_origins():
    """The origins of the configured preview frontends (wagtail-headless-preview's client URLs):
    the editor takes click-to-edit messages from these, and from its own origin."""
    origins = []
    for url in settings.WAGTAIL_HEADLESS_PREVIEW.get("CLIENT_URLS", {}).values():
        parts = urlsplit(url or "")
        if parts.scheme and parts.netloc and f"{parts.scheme}://{parts.netloc}" not in origins:
            origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


def editor_js():
    """The page editor's click-to-edit listener, for Wagtail's ``insert_editor_js`` hook."""
    return format_html(
        '<script src="{}" data-preview-origins="{}" defer></script>',
        static(EDITOR_SCRIPT),
        json.dumps(preview_origins()),
    )


def preview_templates(page):
    """The page type's preview template, then the one for any page."""
    name = camelcase_to_underscore(type(page).__name__)
    return [f"{page._meta.app_label}/preview/{name}.html", "headless/preview/page.html"]


def serve(request, page):
    """The built-in preview of the draft ``page``: its API representation as HTML."""
    status, data = draft_data(request, page)
    return render(request, page, status, data, DRAFT_BANNER)


def render(request, page, status, data, banner):
    """``data``, an API answer about ``page``, in the built-in preview under ``banner``; an
    error answer's message in its place."""
    if status == 200:
        context = {
            "page": data,
            # The draft shown, as Wagtail names a page in its templates: the userbar's hooks and
            # a page type's preview template may ask it what the JSON does not say. A past
            # version (articles.as_published) is not ``page``: it has none.
            "self": page if banner == DRAFT_BANNER else None,
            "banner": banner,
            "links": outbound_links(data),
            # A past version (articles.as_published) is no draft to compare with the live one.
            "compare_url": compare_url(page) if banner == DRAFT_BANNER else None,
        }
        if "edit_paths" in data.get("meta", {}):
            # The preview's policy allows this one script, by a nonce, and no other. (Wagtail
            # renders the preview for a request to the page's site, not to the admin, so the
            # admin's origin is not known here to name the script by its URL.)
            context["edit_script"] = static(EDIT_SCRIPT)
            context["script_nonce"] = secrets.token_urlsafe(18)
        response = TemplateResponse(request, preview_templates(page), context)
    else:
        response = TemplateResponse(
            request,
            "headless/preview/unavailable.html",
            {"message": data["message"], "banner": banner},
            status=status,
        )
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    return response
