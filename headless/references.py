"""Frontend-ready representations of what content refers to: images, pages, documents, rich text.

A page's API response refers to many objects: images in fields and blocks, pages chosen in
blocks or linked from rich text, documents. Serializing each on its own costs a query or two
apiece. A :class:`References` object is made once per response: serializers first *collect*
what they will need, then :meth:`References.load` fetches each kind in one query, and the
``*_data`` methods render from memory.
"""

import functools
import re
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils.html import escape
from wagtail.api.utils import get_base_url
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText, extract_references_from_rich_text
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from . import renditions as rendition_rules
from . import schema
from .cache.tags import object_tag
from .pages import (
    FrontendUrlMixin,
    frontend_url_parts,
    routed_by_wagtail,
    unordered,
    wagtail_url_parts,
)
from .safe_urls import is_safe_url, safe_html
from .visibility import is_public, live_rows, public_pages, restricted_collection_ids


def srcset(renditions):
    """``url 320w, url 640w``: the ``srcset`` of renditions as image_data lists them, or None."""
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions) or None


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

_DEAD_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL | re.IGNORECASE)


class _EveryLinkRewriter(LinkRewriter):
    """Wagtail's link rewriter, shown every ``<a>`` tag, whatever its case: links to pages and
    documents go to their rules, any other link to the ``url`` rule (Wagtail's would leave a
    link without a ``linktype`` as it is, ``javascript:`` or not)."""

    _A_TAG = re.compile(r"<a(\b[^>]*)>", re.IGNORECASE)

    def get_opening_tag_regex(self):
        return self._A_TAG

    def get_tag_type_from_attrs(self, attrs):
        linktype = attrs.get("linktype")
        return linktype if linktype in ("page", "document") else "url"


LOCALES_CACHE_KEY = "headless-locale-codes"


def locale_codes():
    """``{locale id: language code}`` of every locale, cached until a locale changes
    (:mod:`headless.signal_handlers` drops it)."""
    codes = cache.get(LOCALES_CACHE_KEY)
    if codes is None:
        codes = dict(Locale.objects.values_list("pk", "language_code"))
        cache.set(LOCALES_CACHE_KEY, codes, 3600)
    return codes


def locale_code(locale_id):
    """The language code of a locale, by its id."""
    codes = locale_codes()
    if locale_id not in codes:
        cache.delete(LOCALES_CACHE_KEY)
        codes = locale_codes()
    return codes.get(locale_id)


def absolute_url(url):
    """A media, document or page URL as an absolute one (``WAGTAILAPI_BASE_URL``).

    As Wagtail's ``get_full_url(None, url)``, which parses the setting again for each of the
    dozens of URLs a response holds; here its origin is parsed once per value.
    """
    if not url or url.startswith(("//", "http://", "https://")):
        return url  # empty, absolute, or a storage's protocol-relative URL
    return _origin(getattr(settings, "WAGTAILAPI_BASE_URL", None)) + url


@functools.lru_cache(maxsize=8)
def _origin(base_url):
    """Wagtail's ``get_base_url()`` (the setting's scheme and host, or ``""``), remembered by
    the value of the setting it reads."""
    return get_base_url() or ""


def site_path(page, request=None):
    """The page's path relative to its site's root (``/articles/ketamine/``), or None.

    None when no site contains the page, or for a page previewed before its first save.
    """
    if not page.url_path:
        return None
    parts = page.get_url_parts(request)
    return parts[2] if parts else None


def _rendition_url(name):
    """The absolute URL of a rendition's file, by its name in storage (as ``file.url`` is)."""
    return absolute_url(_rendition_file_field().storage.url(name))


@functools.cache
def _rendition_file_field():
    return get_image_model().get_rendition_model()._meta.get_field("file")


def _tag_id(attrs):
    """The object id a rich-text tag names, or None when it names none."""
    try:
        return int(attrs.get("id"))
    except (TypeError, ValueError):
        return None


def image_of(obj, field_name):
    """What ``obj``'s image foreign key ``field_name`` holds, without a query: the image when
    the query that read ``obj`` read it along (``select_related``), else its id (or None)."""
    field = obj._meta.get_field(field_name)
    return getattr(obj, field_name) if field.is_cached(obj) else getattr(obj, field.attname)


class References:
    """Batch loader and renderer for the objects one API response refers to."""

    def __init__(self, request):
        self.request = request
        self._image_ids = set()
        self._page_ids = set()
        self._document_ids = set()
        self._page_objects = {}
        self._page_url_parts = {}
        self._locale_codes = {}
        self._translation_keys = set()
        self._translations = {}
        self._translatable_keys = defaultdict(set)
        self._translated = {}
        self.images = {}
        self.pages = {}
        self.documents = {}
        self._tags = set()
        self._image_objects = {}
        self._renditions = {}

    # What the response is built from, for the cache (see headless.cache)

    def depend_on(self, *tags_or_objects):
        """The response shows these objects (or what these tags name) beyond those it loads."""
        for item in tags_or_objects:
            if item is not None:
                self._tags.add(item if isinstance(item, str) else object_tag(item))

    @property
    def tags(self):
        """Every tag the response depends on: what it loaded, linked or was told about.

        Pages that turned out hidden count too: they show once they are public.
        """
        return {
            *self._tags,
            *(f"page-{pk}" for pk in self.pages),
            *(f"image-{pk}" for pk in self.images),
            *(f"document-{pk}" for pk in self.documents),
        }

    def _hidden_collection(self, obj):
        return obj.collection_id in restricted_collection_ids(self.request)

    # Collecting

    def add_image(self, image):
        if image is None:
            return
        if isinstance(image, int):
            self._image_ids.add(image)
        else:
            self.images[image.pk] = image

    def add_image_of(self, obj, field_name):
        """The image ``obj``'s foreign key ``field_name`` points to: as the query that read
        ``obj`` read it along, or else by its id, loaded with the response's other images."""
        self.add_image(image_of(obj, field_name))

    def add_page(self, page):
        if page is None:
            return
        if isinstance(page, int):
            self._page_ids.add(page)
        else:
            self._page_objects.setdefault(page.pk, page)

    def add_translations(self, page):
        """The response shows the page's locale and its translations (``meta.translations``)."""
        if getattr(page, "translation_key", None) is not None:
            self._translation_keys.add(page.translation_key)

    def add_translatable(self, obj, locale_id):
        """``obj``, a translatable snippet a page in ``locale_id`` shows, is shown in that
        language when it has a translation in it (:meth:`localized`)."""
        if obj is not None and obj.locale_id != locale_id:
            self._translatable_keys[type(obj)].add((obj.translation_key, locale_id))

    def add_document(self, document):
        if document is not None:
            self._document_ids.add(document if isinstance(document, int) else document.pk)

    def add_object(self, model, pk):
        """A reference as Wagtail's reference extraction gives it: a model and an id."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return
        if issubclass(model, Page):
            self.add_page(pk)
        elif issubclass(model, get_image_model()):
            self.add_image(pk)
        elif issubclass(model, get_document_model()):
            self.add_document(pk)

    def add_rich_text(self, html):
        if isinstance(html, RichText):
            html = html.source
        for model, pk, _, _ in extract_references_from_rich_text(html or ""):
            self.add_object(model, pk)

    def add_stream(self, stream_value):
        """Everything a StreamField value refers to, at any depth.

        Wagtail's own reference extraction walks the blocks: choosers give their object, rich
        text its links and embeds. A chosen image is taken as the stream loaded it, so that
        loading adds only its renditions.
        """
        if not stream_value:
            return
        image_model = get_image_model()
        # Block by block, as the stream block's own extraction walks them, so that an image's
        # content path is looked up in its block: the stream block would search the whole
        # stream for the block's id, for each image.
        for child in stream_value:
            for model, pk, _, content_path in child.block.extract_references(child.value):
                if issubclass(model, image_model):
                    bound = child.block.get_block_by_content_path(
                        child.value, content_path.split(".") if content_path else []
                    )
                    if bound is not None and isinstance(bound.value, image_model):
                        self.add_image(bound.value)
                        continue
                self.add_object(model, pk)

    # Loading

    def load(self):
        """Fetch what was collected: at most one query per kind, plus one for renditions."""
        missing = self._image_ids - self.images.keys()
        if missing:
            self.images.update(get_image_model().objects.in_bulk(missing))
            self.images.update(dict.fromkeys(missing - self.images.keys()))
        self._image_ids.clear()
        # Their renditions as rows: a response shows dozens, and rows cost no model instances.
        unread = [pk for pk, image in self.images.items() if image and pk not in self._renditions]
        if unread:
            rows = (
                get_image_model()
                .get_rendition_model()
                .objects.filter(image_id__in=unread)
                .values_list(
                    "image_id", "filter_spec", "focal_point_key", "file", "width", "height"
                )
            )
            self._renditions.update({pk: {} for pk in unread})
            for image_id, spec, focal_point_key, name, width, height in rows:
                self._renditions[image_id][spec, focal_point_key] = (name, width, height)

        # Only live, public pages can be linked: anything else renders as no link at all.
        for pk, page in self._page_objects.items():
            self.pages.setdefault(pk, page if is_public(page, self.request) else None)
        self._page_objects.clear()
        # Chosen pages and the translations of the pages shown (``meta.translations``), both
        # among the public pages, in one query; pages loaded already (a listing's) are not read
        # again.
        missing = self._page_ids - self.pages.keys()
        keys = self._translation_keys - self._translations.keys()
        if missing or keys:
            known = {pk: page for pk, page in self.pages.items() if page is not None}
            visible = public_pages(self.request).filter(
                Q(id__in=missing) | Q(translation_key__in=keys)
            )
            if known:
                visible = visible.exclude(pk__in=known)
            found = [
                *unordered(visible.only(*PAGE_FIELDS)),  # sorted below
                *(page for page in known.values() if page.translation_key in keys),
            ]
            self._translations.update({key: [] for key in keys})
            for page in sorted(found, key=lambda page: page.pk):
                if page.pk in missing:
                    self.pages[page.pk] = page
                if page.translation_key in keys:
                    self._translations[page.translation_key].append(page)
            self.pages.update(dict.fromkeys(missing - self.pages.keys()))
        self._page_ids.clear()
        self._translation_keys.clear()

        for model, keys in self._translatable_keys.items():
            # The translations of these snippets in one query per model, their foreign keys (a
            # clinician's photo) along; a translation not published yet leaves the snippet in
            # its own language.
            related = [
                field.name
                for field in model._meta.concrete_fields
                if field.many_to_one and field.name != "locale"
            ]
            wanted = Q()
            for key, locale_id in keys:
                wanted |= Q(translation_key=key, locale_id=locale_id)
            translations = live_rows(model._default_manager.filter(wanted))
            for obj in unordered(translations.select_related(*related)):
                self._translated[(model, obj.translation_key, obj.locale_id)] = obj
        self._translatable_keys.clear()

        missing = self._document_ids - self.documents.keys()
        if missing:
            self.documents.update(get_document_model().objects.in_bulk(missing))
            self.documents.update(dict.fromkeys(missing - self.documents.keys()))
        self._document_ids.clear()

        # Images and documents in a collection this request may not see are left out: an
        # image becomes null, a link to a document plain text.
        for loaded in (self.images, self.documents):
            for pk, obj in loaded.items():
                if obj is not None and self._hidden_collection(obj):
                    loaded[pk] = None

    # Rendering

    def image_data(self, image, alt=None, decorative=False):
        """An image as an object: its original, renditions and srcsets, all URLs absolute.

        ``alt`` and ``decorative`` are what apply where the image is used (a block's alt text,
        a page's hero alt, ...): the image's title is never alt text. A decorative image's alt
        is ``""``; one with no alt text given has ``null``.
        """
        if image is None:
            return None
        if isinstance(image, int):  # collected by its id (add_image_of)
            self._tags.add(f"image-{image}")
            image = self.images.get(image)
        else:
            self._tags.add(f"image-{image.pk}")
            image = self.images.get(image.pk, image)
        if image is None or self._hidden_collection(image):
            return None
        shown = self._image_objects.get(image.pk)
        if shown is None:
            shown = self._image_objects[image.pk] = self._image_object(image)
        return {
            "id": shown["id"],
            "title": shown["title"],
            "alt": "" if decorative else ((alt or "").strip() or None),
            "decorative": bool(decorative),
            **shown,
        }

    def _image_object(self, image):
        """What :meth:`image_data` answers for ``image`` wherever it is used (all but its
        ``alt`` and ``decorative``), made once per response."""
        specs = rendition_rules.rendition_specs(image)
        renditions = self.renditions(image, rendition_rules.all_specs(specs))
        listed = {
            kind: {
                name: [renditions[spec] for spec in format_specs]
                for name, format_specs in formats.items()
            }
            for kind, formats in specs.items()
        }
        focal_point = None
        if image.has_focal_point():
            focal_point = {
                "x": image.focal_point_x,
                "y": image.focal_point_y,
                "width": image.focal_point_width,
                "height": image.focal_point_height,
            }
        return {
            "id": image.pk,
            "title": image.title,
            "width": image.width,
            "height": image.height,
            "url": absolute_url(image.file.url),
            "focal_point": focal_point,
            "renditions": listed,
            "srcset": {
                kind: {name: srcset(items) for name, items in formats.items()}
                for kind, formats in listed.items()
            },
        }

    def renditions(self, image, specs):
        """``{spec: {url, width, height}}`` of the image's renditions, URLs absolute.

        Never makes one, nor opens the original: a rendition made already is its file's URL,
        read from the rows :meth:`load` fetched; one not made yet is a signed URL of the image
        serve view, which makes it when asked (:mod:`headless.renditions`), with the size it
        will have.
        """
        rows = self._renditions.get(image.pk)
        found = {}
        for spec in specs:
            row = None
            if rows is not None and not image.is_svg():  # Wagtail rewrites an SVG's filters
                row = rows.get((spec, rendition_rules.image_filter(spec).get_cache_key(image)))
            if row is not None:
                name, width, height = row
                found[spec] = {"url": _rendition_url(name), "width": width, "height": height}
            else:
                width, height = rendition_rules.size(image, spec)
                url = absolute_url(rendition_rules.serve_url(image, spec))
                found[spec] = {"url": url, "width": width, "height": height}
        return found

    def _url_parts(self, page):
        """The page's ``get_url_parts`` with its root URL on the frontend, once per response
        (Wagtail's reads the sites' root paths from the cache on each call without a request)."""
        key = (page.pk, page.url_path)
        if key not in self._page_url_parts:
            if not page.url_path:
                parts = None
            elif routed_by_wagtail(type(page)):
                parts = frontend_url_parts(wagtail_url_parts(page, self.request))
            else:
                parts = page.get_url_parts(self.request)
                if not isinstance(page, FrontendUrlMixin):  # a served type's are mapped already
                    parts = frontend_url_parts(parts)
            self._page_url_parts[key] = parts
        return self._page_url_parts[key]

    def page_path(self, page):
        """The page's path relative to its site root (as :func:`site_path`), or None."""
        parts = self._url_parts(page)
        return parts[2] if parts else None

    def page_url(self, page):
        """The page's URL on the frontend, like ``page.full_url`` of a page type served here."""
        parts = self._url_parts(page)
        if parts is None or parts[1] is None:
            return None
        return parts[1] + parts[2]

    def locale_code(self, locale_id):
        """:func:`locale_code`, asked of the shared cache once per locale and response."""
        if locale_id not in self._locale_codes:
            self._locale_codes[locale_id] = locale_code(locale_id)
        return self._locale_codes[locale_id]

    def localized(self, obj, locale_id):
        """``obj`` in the language ``locale_id`` when it has a translation in it, else ``obj``
        itself, in the language it has (``locale_code(obj.locale_id)`` says which)."""
        if obj is None or obj.locale_id == locale_id:
            return obj
        return self._translated.get((type(obj), obj.translation_key, locale_id), obj)

    def in_language(self, page, language):
        """``page`` (public, loaded) in ``language`` (a code) when it has a live, public
        translation in it, else ``page`` itself. Its translations must have been collected
        (:meth:`add_translations`) before :meth:`load`; the one shown is a page of the response.
        """
        if page is None or language is None or self.locale_code(page.locale_id) == language:
            return page
        for other in self._translations.get(page.translation_key, ()):
            if self.locale_code(other.locale_id) == language:
                self.pages.setdefault(other.pk, other)
                return other
        return page

    def translations_data(self, page):
        """``meta.translations``: the page in the other languages visitors may read it in,
        ``[{locale, id, path, url}]`` by language code; live, public pages only."""
        self._tags.update(
            f"page-{other.pk}" for other in self._translations.get(page.translation_key, ())
        )
        return [
            {
                "locale": self.locale_code(other.locale_id),
                "id": other.pk,
                "path": self.page_path(other),
                "url": self.page_url(other),
            }
            for other in self._translations.get(page.translation_key, ())
            if other.pk != page.pk
        ]

    def page_data(self, page):
        """A page chooser's value as an object, or None when the page is not public."""
        if page is None:
            return None
        page = self.pages.get(page if isinstance(page, int) else page.pk)
        if page is None:
            return None
        page = getattr(page, "page_ptr", page)
        return {
            "id": page.pk,
            "title": page.title,
            "type": page.specific_class._meta.label if page.specific_class else None,
            "path": self.page_path(page),
        }

    def rich_text(self, html):
        """Database rich text as frontend HTML: real links, real images, no Wagtail markup."""
        if isinstance(html, RichText):
            html = html.source
        if not html:
            return ""
        # A link whose target is gone, not public or unsafe is plain text, not a link to a 404.
        return _DEAD_LINK.sub(r"\1", safe_html(self._rewriter(html)))

    @functools.cached_property
    def _rewriter(self):
        return MultiRuleRewriter(
            [
                _EveryLinkRewriter(
                    rules={"url": _url_link},
                    bulk_rules={
                        "page": self._page_links,
                        "document": self._document_links,
                    },
                ),
                EmbedRewriter(bulk_rules={"image": self._image_embeds}),
            ]
        )

    def _page_links(self, attrs_list):
        links = []
        for attrs in attrs_list:
            page = self.pages.get(_tag_id(attrs))
            links.append(f'<a href="{escape(self.page_path(page))}">' if page else "<a>")
        return links

    def _document_links(self, attrs_list):
        links = []
        for attrs in attrs_list:
            document = self.documents.get(_tag_id(attrs))
            links.append(f'<a href="{escape(absolute_url(document.url))}">' if document else "<a>")
        return links

    def _image_embeds(self, attrs_list):
        embeds = []
        for attrs in attrs_list:
            image = self.images.get(_tag_id(attrs))
            if image is None:
                embeds.append("")
                continue
            spec = rendition_rules.embed_spec(image)
            rendition = self.renditions(image, [spec])[spec]
            format_name = escape(attrs.get("format", ""))
            embeds.append(
                f'<img src="{escape(rendition["url"])}" alt="{escape(attrs.get("alt", ""))}"'
                f' width="{rendition["width"]}" height="{rendition["height"]}"'
                + (f' class="richtext-image {format_name}"' if format_name else "")
                + ">"
            )
        return embeds


def _url_link(attrs):
    """A link to a URL, with its target alone, if :func:`headless.safe_urls.is_safe_url`; an
    empty ``<a>`` (its text left as plain text) otherwise, or when no target could be read."""
    href = attrs.get("href")
    return f'<a href="{escape(href)}">' if href is not None and is_safe_url(href) else "<a>"


# The schemas of what References renders (see headless.schema).


def rich_text_schema(builder):
    """The schema of :meth:`References.rich_text`; returns a reference to it."""
    return builder.define(
        "RichTextHTML",
        {
            "type": "string",
            "contentMediaType": "text/html",
            "description": "Frontend-ready HTML: real links and images, no Wagtail markup; only "
            "<p>, <br>, <b>, <i>, <ol>, <ul>, <li>, <a href> and <img>, each URL http(s), mailto, "
            "tel or a path on the site.",
        },
    )


def image_schema(builder):
    """The schema of :meth:`References.image_data`; returns a reference to it."""
    focal_point = builder.define(
        "FocalPoint",
        schema.obj(
            {
                "x": schema.INTEGER,
                "y": schema.INTEGER,
                "width": schema.INTEGER,
                "height": schema.INTEGER,
            }
        ),
    )
    rendition = builder.define(
        "Rendition",
        schema.obj({"url": schema.URL, "width": schema.INTEGER, "height": schema.INTEGER}),
    )

    def by_format(value, description):
        return schema.obj(
            {name: value for name in rendition_rules.FORMATS}, description=description
        )

    renditions = builder.define(
        "ImageRenditions",
        schema.obj(
            {
                "widths": by_format(
                    schema.array(rendition),
                    "The original's aspect ratio at widths 320, 640, 960, 1280 and 1920, none "
                    "above the original's width (which is itself included when smaller), "
                    "narrowest first.",
                ),
                "card": by_format(
                    schema.array(rendition),
                    "A 16:9 crop around the focal point: 640x360, and 1280x720 for an image "
                    "larger than 640x360; never upscaled.",
                ),
            },
            description="Renditions by kind, then by format: the original's, WebP and AVIF "
            "(AVIF is empty where the server's Pillow cannot encode it).",
        ),
    )
    srcsets = builder.define(
        "ImageSrcsets",
        schema.obj(
            {
                kind: by_format(
                    schema.nullable(schema.STRING),
                    f"The {kind} renditions as a srcset ('<url> 320w, <url> 640w'); null "
                    "when there are none in that format.",
                )
                for kind in ("widths", "card")
            },
            description='Ready srcset attributes, for <source type="image/avif"> and '
            '<source type="image/webp"> beside the original\'s <img>.',
        ),
    )
    return builder.define(
        "Image",
        schema.obj(
            {
                "id": schema.INTEGER,
                "title": schema.STRING,
                "alt": {
                    **schema.nullable(schema.STRING),
                    "description": "The alt text where the image is used: empty when it is "
                    "decorative, null when none was given. Never the image's title.",
                },
                "decorative": {
                    **schema.BOOLEAN,
                    "description": "True when screen readers should skip the image (alt is empty).",
                },
                "width": schema.INTEGER,
                "height": schema.INTEGER,
                "url": schema.URL,
                "focal_point": schema.nullable(focal_point),
                "renditions": renditions,
                "srcset": srcsets,
            },
            description="An image with absolute URLs, its renditions and their srcsets.",
        ),
    )


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
