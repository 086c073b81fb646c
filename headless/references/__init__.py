"""Frontend-ready representations of what content refers to: images, pages, documents, rich text.

A page's API response refers to many objects: images in fields and blocks, pages chosen in
blocks or linked from rich text, documents, translated snippets. Serializing each on its own
costs a query or two apiece. A :class:`References` object is made once per response:
serializers first *collect* what they will need (``add_*``), then :meth:`References.load`
fetches each kind in one query, and the ``*_data`` methods render from memory.

Behind it, one small loader per kind collects ids, loads them at once and answers lookups:
:class:`~.images.ImageLoader` (images and their renditions),
:class:`~.pages.PageLoader` (pages, their translations and URLs),
:class:`~.documents.DocumentLoader` and :class:`~.snippets.SnippetTranslationLoader`;
:class:`~.rich_text.RichTextRenderer` renders rich text from the first three. Callers use
:class:`References` only.
"""

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.rich_text import RichText, extract_references_from_rich_text

from ..cache.tags import object_tag
from .documents import DocumentLoader
from .images import ImageLoader, image_of, image_schema
from .locales import LOCALES_CACHE_KEY, LocaleCodes, locale_code
from .pages import PageLoader, page_ref_schema
from .rich_text import RichTextRenderer, rich_text_schema
from .snippets import SnippetTranslationLoader
from .urls import absolute_url, site_path


class References:
    """Batch loader and renderer for the objects one API response refers to."""

    def __init__(self, request):
        self.request = request
        self._locale_codes = LocaleCodes()
        self._images = ImageLoader(request)
        self._pages = PageLoader(request, self._locale_codes)
        self._documents = DocumentLoader(request)
        self._snippets = SnippetTranslationLoader()
        self._rich_text = RichTextRenderer(self._pages, self._documents, self._images)
        self._tags = set()

    @property
    def images(self):
        """``{id: image or None}``: the images loaded (None: none this request may see)."""
        return self._images.loaded

    @property
    def pages(self):
        """``{id: page or None}``: the pages loaded (None: not live and public)."""
        return self._pages.loaded

    @property
    def documents(self):
        """``{id: document or None}``: the documents loaded (None: none this request may see)."""
        return self._documents.loaded

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
            *self._pages.tags(),
            *self._images.tags(),
            *self._documents.tags(),
        }

    # Collecting

    def add_image(self, image):
        """The response shows ``image``: an image, taken as it is, or its id."""
        self._images.add(image)

    def add_image_of(self, obj, field_name):
        """The image ``obj``'s foreign key ``field_name`` points to: as the query that read
        ``obj`` read it along, or else by its id, loaded with the response's other images."""
        self._images.add(image_of(obj, field_name))

    def add_page(self, page):
        """The response links to ``page``, a page or its id."""
        self._pages.add(page)

    def add_translations(self, page):
        """The response shows the page's locale and its translations (``meta.translations``)."""
        self._pages.add_translations(page)

    def add_translatable(self, obj, locale_id):
        """``obj``, a translatable snippet a page in ``locale_id`` shows, is shown in that
        language when it has a translation in it (:meth:`localized`)."""
        self._snippets.add(obj, locale_id)

    def add_document(self, document):
        """The response links to ``document``, a document or its id."""
        self._documents.add(document)

    def add_object(self, model, pk):
        """A reference as Wagtail's reference extraction gives it: a model and an id."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return
        if issubclass(model, Page):
            self._pages.add(pk)
        elif issubclass(model, get_image_model()):
            self._images.add(pk)
        elif issubclass(model, get_document_model()):
            self._documents.add(pk)

    def add_rich_text(self, html):
        """What rich text links to or embeds."""
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
                        self._images.add(bound.value)
                        continue
                self.add_object(model, pk)

    # Loading

    def load(self):
        """Fetch what was collected: at most one query per kind, plus one for renditions.

        Only live, public pages can be linked, and only images and documents in collections
        the request may see are shown: anything else loads as None, and renders as no link,
        plain text or a null image.
        """
        self._images.load()
        self._pages.load()
        self._snippets.load()
        self._documents.load()

    # Rendering

    def image_data(self, image, alt=None, decorative=False):
        """An image as an object: its original, renditions and srcsets, all URLs absolute.

        ``alt`` and ``decorative`` are what apply where the image is used (a block's alt text,
        a page's hero alt, ...): the image's title is never alt text. A decorative image's alt
        is ``""``; one with no alt text given has ``null``.
        """
        return self._images.data(image, alt, decorative)

    def renditions(self, image, specs):
        """``{spec: {url, width, height}}`` of the image's renditions, URLs absolute.

        Never makes one, nor opens the original: a rendition made already is its file's URL,
        read from the rows :meth:`load` fetched; one not made yet is a signed URL of the image
        serve view, which makes it when asked (:mod:`headless.renditions`), with the size it
        will have.
        """
        return self._images.renditions(image, specs)

    def page_path(self, page):
        """The page's path relative to its site root (as :func:`site_path`), or None."""
        return self._pages.path(page)

    def page_url(self, page):
        """The page's URL on the frontend, like ``page.full_url`` of a page type served here."""
        return self._pages.url(page)

    def page_data(self, page):
        """A page chooser's value as an object, or None when the page is not public."""
        return self._pages.data(page)

    def locale_code(self, locale_id):
        """:func:`locale_code`, asked of the shared cache once per locale and response."""
        return self._locale_codes[locale_id]

    def localized(self, obj, locale_id):
        """``obj`` in the language ``locale_id`` when it has a translation in it, else ``obj``
        itself, in the language it has (``locale_code(obj.locale_id)`` says which)."""
        return self._snippets.localized(obj, locale_id)

    def in_language(self, page, language):
        """``page`` (public, loaded) in ``language`` (a code) when it has a live, public
        translation in it, else ``page`` itself. Its translations must have been collected
        (:meth:`add_translations`) before :meth:`load`; the one shown is a page of the response.
        """
        return self._pages.in_language(page, language)

    def translations_data(self, page):
        """``meta.translations``: the page in the other languages visitors may read it in,
        ``[{locale, id, path, url}]`` by language code; live, public pages only."""
        return self._pages.translations_data(page)

    def rich_text(self, html):
        """Database rich text as frontend HTML: real links, real images, no Wagtail markup."""
        return self._rich_text.render(html)


__all__ = [
    "LOCALES_CACHE_KEY",
    "References",
    "absolute_url",
    "image_of",
    "image_schema",
    "locale_code",
    "page_ref_schema",
    "rich_text_schema",
    "site_path",
]
