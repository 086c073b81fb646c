"""The cache's vocabulary: every tag an answer may depend on, made here and nowhere else.

A tag names something a change can touch: one object (``page-12``, ``image-3``,
``document-5``, ``snippet-condition-4``), or a set many answers show (``pages``, which listings,
searches and find-by-path filter; ``images``, ``documents``, ``snippets-condition``; the
site-wide ``settings`` and ``redirects``; ``restrictions``), or a deprecated value an answer
carries (``deprecated-ContactPage.submit_url``), or ``all``, which every answer depends on.
Answers send them to CDNs as ``Cache-Tag`` and ``Surrogate-Key``, and webhooks send them to
frontends: their spelling is part of the API.

Code outside this package builds tags with these constructors and asks :func:`kind` what a
tag names; nobody else spells or parses one.
"""

from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

EVERYTHING = "all"
"""The tag every cached answer depends on; ``manage.py clear_api_cache`` changes it."""

PAGES = "pages"
"""The set of pages: listings, searches and find-by-path filter it, so any page change
touches it."""

IMAGES = "images"
DOCUMENTS = "documents"
"""The sets the image and document listings show."""

SETTINGS = "settings"
"""Site settings, which every page shows: one tag for all of them."""

REDIRECTS = "redirects"
"""Redirects, which find-by-path answers: one tag for all of them."""

RESTRICTIONS = "restrictions"
"""Page and collection view restrictions (what an anonymous visitor may see)."""

PAGE, IMAGE, DOCUMENT, SNIPPET, SNIPPETS = "page", "image", "document", "snippet", "snippets"
"""The kinds :func:`kind` answers for tags of one object (and ``snippets`` for a snippet
model's set); a set tag's kind is the tag itself."""

DEPRECATED = "deprecated"
"""The kind of a deprecated value's tag (:func:`deprecated`)."""

BROAD = frozenset({EVERYTHING})
"""Tags on every answer: listing answers under them would say nothing a re-render could use."""

BROAD_LISTING = frozenset({PAGES, SETTINGS, REDIRECTS, IMAGES, DOCUMENTS})
"""Tags many answers carry: after a change, their answers are re-rendered after the specific
ones."""


def page(pk):
    return f"{PAGE}-{pk}"


def image(pk):
    return f"{IMAGE}-{pk}"


def document(pk):
    return f"{DOCUMENT}-{pk}"


def snippet(obj):
    """The tag of one snippet: ``snippet-<model name>-<pk>``."""
    return f"{SNIPPET}-{obj._meta.model_name}-{obj.pk}"


def snippets(model):
    """The tag of a snippet model's set, which its listing shows: ``snippets-<model name>``."""
    return f"{SNIPPETS}-{model._meta.model_name}"


def deprecated(name):
    """The tag of the answers that carry the deprecated value ``name`` (``deprecated-<name>``):
    a cached answer gets that deprecation's headers by it (:mod:`headless.deprecations`)."""
    return f"{DEPRECATED}-{name}"


def object_tag(obj):
    """The tag of a changed object: ``page-12``, ``image-3``, ``snippet-condition-4``...

    Site settings are ``settings`` and redirects ``redirects``: every answer that shows one
    shows them all.
    """
    if isinstance(obj, Page):
        return page(obj.pk)
    if isinstance(obj, get_image_model()):
        return image(obj.pk)
    if isinstance(obj, get_document_model()):
        return document(obj.pk)
    if isinstance(obj, Redirect):
        return REDIRECTS
    if type(obj) in settings_registry:
        return SETTINGS
    return snippet(obj)


def kind(tag):
    """What ``tag`` names: :data:`PAGE`, :data:`IMAGE`, :data:`DOCUMENT`, :data:`SNIPPET` or
    :data:`SNIPPETS` for an object's or a snippet set's tag, else the tag itself
    (:data:`SETTINGS`, :data:`REDIRECTS`, :data:`PAGES`...)."""
    prefix, separator, _ = tag.partition("-")
    return prefix if separator else tag
