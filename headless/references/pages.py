"""Pages a response links to or shows in other languages, with their URLs on the frontend."""

from django.db.models import Q

from .. import schema
from ..cache import tags as cache_tags
from ..pages import (
    FrontendUrlMixin,
    frontend_url_parts,
    routed_by_wagtail,
    unordered,
    wagtail_url_parts,
)
from ..visibility import is_public, public_pages

PAGE_FIELDS = (
    "id",
    "title",
    "url_path",
    "content_type_id",
    "depth",
    "path",
    "locale_id",
    "live",
    "translation_key",
)
"""What a link to a page, or to a page's translation, needs of it."""


class PageLoader:
    """The pages a response links to, and the translations of the pages it shows: live,
    public pages only, in one query; anything else renders as no link at all.

    ``loaded`` maps every page id collected to its page, or to None when it is not public.
    ``locale_codes`` is the response's :class:`~.locales.LocaleCodes`.
    """

    def __init__(self, request, locale_codes):
        self.request = request
        self.locale_codes = locale_codes
        self.wanted = set()
        self.given = {}  # pages collected as objects, checked at load
        self.loaded = {}
        self.wanted_translations = set()  # translation keys
        self.translations = {}  # {translation key: [public pages]}
        self.shown = set()  # ids of translations rendered: the answer depends on them
        self._url_parts = {}

    def add(self, page):
        """The response links to ``page``, a page or its id."""
        if page is None:
            return
        if isinstance(page, int):
            self.wanted.add(page)
        else:
            self.given.setdefault(page.pk, page)

    def add_translations(self, page):
        """The response shows ``page``'s translations."""
        if getattr(page, "translation_key", None) is not None:
            self.wanted_translations.add(page.translation_key)

    def load(self):
        for pk, page in self.given.items():
            self.loaded.setdefault(pk, page if is_public(page, self.request) else None)
        self.given.clear()
        # Chosen pages and the translations of the pages shown, both among the public pages, in
        # one query; pages loaded already (a listing's) are not read again.
        missing = self.wanted - self.loaded.keys()
        keys = self.wanted_translations - self.translations.keys()
        if missing or keys:
            known = {pk: page for pk, page in self.loaded.items() if page is not None}
            visible = public_pages(self.request).filter(
                Q(id__in=missing) | Q(translation_key__in=keys)
            )
            if known:
                visible = visible.exclude(pk__in=known)
            found = [
                *unordered(visible.only(*PAGE_FIELDS)),  # sorted below
                *(page for page in known.values() if page.translation_key in keys),
            ]
            self.translations.update({key: [] for key in keys})
            for page in sorted(found, key=lambda page: page.pk):
                if page.pk in missing:
                    self.loaded[page.pk] = page
                if page.translation_key in keys:
                    self.translations[page.translation_key].append(page)
            self.loaded.update(dict.fromkeys(missing - self.loaded.keys()))
        self.wanted.clear()
        self.wanted_translations.clear()

    def get(self, pk):
        """The loaded page of id ``pk``, or None when it is not public."""
        return self.loaded.get(pk)

    def tags(self):
        """The tags of the pages loaded (hidden ones too, which show once public) and of the
        translations shown."""
        return {cache_tags.page(pk) for pk in self.loaded.keys() | self.shown}

    def url_parts(self, page):
        """The page's ``get_url_parts`` with its root URL on the frontend, once per response
        (Wagtail's reads the sites' root paths from the cache on each call without a request)."""
        key = (page.pk, page.url_path)
        if key not in self._url_parts:
            if not page.url_path:
                parts = None
            elif routed_by_wagtail(type(page)):
                parts = frontend_url_parts(wagtail_url_parts(page, self.request))
            else:
                parts = page.get_url_parts(self.request)
                if not isinstance(page, FrontendUrlMixin):  # a served type's are mapped already
                    parts = frontend_url_parts(parts)
            self._url_parts[key] = parts
        return self._url_parts[key]

    def path(self, page):
        """The page's path relative to its site root, or None."""
        parts = self.url_parts(page)
        return parts[2] if parts else None

    def url(self, page):
        """The page's URL on the frontend, or None."""
        parts = self.url_parts(page)
        if parts is None or parts[1] is None:
            return None
        return parts[1] + parts[2]

    def in_language(self, page, language):
        """See :meth:`headless.references.References.in_language`."""
        if page is None or language is None or self.locale_codes[page.locale_id] == language:
            return page
        for other in self.translations.get(page.translation_key, ()):
            if self.locale_codes[other.locale_id] == language:
                self.loaded.setdefault(other.pk, other)
                return other
        return page

    def translations_data(self, page):
        """See :meth:`headless.references.References.translations_data`."""
        translations = self.translations.get(page.translation_key, ())
        self.shown.update(other.pk for other in translations)
        return [
            {
                "locale": self.locale_codes[other.locale_id],
                "id": other.pk,
                "path": self.path(other),
                "url": self.url(other),
            }
            for other in translations
            if other.pk != page.pk
        ]

    def data(self, page):
        """See :meth:`headless.references.References.page_data`."""
        if page is None:
            return None
        page = self.loaded.get(page if isinstance(page, int) else page.pk)
        if page is None:
            return None
        page = getattr(page, "page_ptr", page)
        return {
            "id": page.pk,
            "title": page.title,
            "type": page.specific_class._meta.label if page.specific_class else None,
            "path": self.path(page),
        }


def page_ref_schema(builder):
    """The schema of :meth:`References.page_data`; returns a reference to it."""
    return builder.define(
        "PageRef",
        schema.obj(
            {
                "id": schema.INTEGER,
                "title": schema.STRING,
                "type": schema.nullable(schema.ref("PageType")),
                "path": schema.nullable(schema.STRING),
            },
            description="A link to a live, public page; a page that is not is null instead.",
        ),
    )
