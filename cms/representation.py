"""Frontend-ready representations of what content refers to: images, pages, documents, rich text.

A page's API response refers to many objects: images in fields and blocks, pages chosen in
blocks or linked from rich text, documents. Serializing each on its own costs a query or two
apiece. A :class:`References` object is made once per response: serializers first *collect*
what they will need, then :meth:`References.load` fetches each kind in one query, and the
``*_data`` methods render from memory.
"""

import logging
import re
from urllib.parse import urljoin

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.html import escape
from wagtail import blocks
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents import get_document_model
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageChooserBlock
from wagtail.images.models import SourceImageIOError
from wagtail.models import Page, PageViewRestriction
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import (
    FIND_A_TAG,
    FIND_EMBED_TAG,
    EmbedRewriter,
    LinkRewriter,
    MultiRuleRewriter,
    extract_attrs,
)

logger = logging.getLogger(__name__)

RENDITIONS = {
    "thumbnail": "fill-480x270",
    "medium": "width-960",
    "large": "width-1920",
}
"""Named renditions every image carries. ``fill`` crops around the editor's focal point."""

_DEAD_LINK = re.compile(r"<a>(.*?)</a>", re.DOTALL)


def _file_url(rendition_or_image):
    return getattr(rendition_or_image, "url", None) or rendition_or_image.file.url


def absolute_url(url):
    """Media and document URLs as absolute URLs; storage URLs that already are stay as they are."""
    if not url or url.startswith(("http://", "https://", "//")):
        return url
    return urljoin(settings.WAGTAILAPI_BASE_URL + "/", url.lstrip("/"))


def _tag_id(attrs):
    """The object id a rich-text tag names, or None when it names none."""
    try:
        return int(attrs.get("id"))
    except (TypeError, ValueError):
        return None


class References:
    """Batch loader and renderer for the objects one API response refers to."""

    def __init__(self, request):
        self.request = request
        self._image_ids = set()
        self._page_ids = set()
        self._document_ids = set()
        self._page_objects = {}
        self._paths = {}
        self.images = {}
        self.pages = {}
        self.documents = {}

    # Collecting

    def add_image(self, image):
        if image is None:
            return
        if isinstance(image, int):
            self._image_ids.add(image)
        else:
            self.images[image.pk] = image

    def add_page(self, page):
        if page is None:
            return
        if isinstance(page, int):
            self._page_ids.add(page)
        else:
            self._page_objects.setdefault(page.pk, page)

    def add_rich_text(self, html):
        if isinstance(html, RichText):
            html = html.source
        if not html:
            return
        wanted = {
            ("linktype", "page"): self._page_ids,
            ("linktype", "document"): self._document_ids,
            ("embedtype", "image"): self._image_ids,
        }
        for kind, pattern in (("linktype", FIND_A_TAG), ("embedtype", FIND_EMBED_TAG)):
            for tag in pattern.findall(html):
                attrs = extract_attrs(tag)
                ids, pk = wanted.get((kind, attrs.get(kind))), _tag_id(attrs)
                if ids is not None and pk is not None:
                    ids.add(pk)

    def add_stream(self, stream_value):
        """Everything a StreamField value refers to, at any depth."""
        for child in stream_value or ():
            self._add_block_value(child.block, child.value)

    def _add_block_value(self, block, value):
        if value is None:
            return
        if isinstance(block, ImageChooserBlock):
            self.add_image(value)
        elif isinstance(block, blocks.PageChooserBlock):
            self.add_page(value)
        elif isinstance(block, DocumentChooserBlock):
            self._document_ids.add(value.pk)
        elif isinstance(block, blocks.RichTextBlock):
            self.add_rich_text(value)
        elif isinstance(block, blocks.StructBlock):
            for name, child_block in block.child_blocks.items():
                self._add_block_value(child_block, value.get(name))
        elif isinstance(block, blocks.ListBlock):
            for item in value:
                self._add_block_value(block.child_block, item)
        elif isinstance(block, blocks.StreamBlock):
            self.add_stream(value)

    # Loading

    def load(self):
        """Fetch what was collected: at most one query per kind, plus one for renditions."""
        missing = self._image_ids - self.images.keys()
        if missing:
            self.images.update(get_image_model().objects.in_bulk(missing))
        self._image_ids.clear()
        unprefetched = [
            image
            for image in self.images.values()
            if "renditions" not in getattr(image, "_prefetched_objects_cache", {})
        ]
        prefetch_related_objects(unprefetched, "renditions")

        # Only live, public pages can be linked: anything else renders as no link at all.
        for pk, page in self._page_objects.items():
            self.pages.setdefault(pk, page if is_public(page, self.request) else None)
        self._page_objects.clear()
        missing = self._page_ids - self.pages.keys()
        if missing:
            visible = public_pages(self.request).filter(id__in=missing).only(*PAGE_FIELDS)
            self.pages.update({page.pk: page for page in visible})
            self.pages.update(dict.fromkeys(missing - self.pages.keys()))
        self._page_ids.clear()

        missing = self._document_ids - self.documents.keys()
        if missing:
            self.documents.update(get_document_model().objects.in_bulk(missing))
            self.documents.update(dict.fromkeys(missing - self.documents.keys()))
        self._document_ids.clear()

    # Rendering

    def image_data(self, image):
        """An image as an object: its original and the named renditions, all URLs absolute."""
        if image is None:
            return None
        image = self.images.get(image.pk, image)
        try:
            renditions = image.get_renditions(*RENDITIONS.values())
        except SourceImageIOError:
            # The original is missing from storage: answer with what the database knows rather
            # than fail the whole page; the frontend's image request will 404 on its own.
            logger.warning("Image %s has no file in storage; renditions unavailable", image.pk)
            renditions = dict.fromkeys(RENDITIONS.values(), image)
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
            "alt": getattr(image, "default_alt_text", "") or image.title,
            "width": image.width,
            "height": image.height,
            "url": absolute_url(image.file.url),
            "focal_point": focal_point,
            "renditions": {
                name: {
                    "url": absolute_url(_file_url(renditions[spec])),
                    "width": renditions[spec].width,
                    "height": renditions[spec].height,
                }
                for name, spec in RENDITIONS.items()
            },
        }

    def page_path(self, page):
        """The page's path relative to its site's root, e.g. ``/articles/ketamine/``."""
        if not page.url_path:
            return None  # previewed before its first save
        key = (page.pk, page.url_path)
        if key not in self._paths:
            parts = page.get_url_parts(self.request)
            self._paths[key] = parts[2] if parts else None
        return self._paths[key]

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
        # A link whose target is gone or not public is plain text, not a link to a 404.
        return _DEAD_LINK.sub(r"\1", self._rewriter(html))

    @property
    def _rewriter(self):
        return MultiRuleRewriter(
            [
                LinkRewriter(
                    bulk_rules={
                        "page": self._page_links,
                        "document": self._document_links,
                    }
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
            try:
                rendition = image.get_renditions(RENDITIONS["medium"])[RENDITIONS["medium"]]
            except SourceImageIOError:
                logger.warning("Image %s has no file in storage; left out of rich text", image.pk)
                embeds.append("")
                continue
            format_name = escape(attrs.get("format", ""))
            embeds.append(
                f'<img src="{escape(absolute_url(rendition.url))}" alt="{escape(attrs.get("alt", ""))}"'
                f' width="{rendition.width}" height="{rendition.height}"'
                + (f' class="richtext-image {format_name}"' if format_name else "")
                + ">"
            )
        return embeds


PAGE_FIELDS = ("id", "title", "url_path", "content_type_id", "depth", "path", "locale_id", "live")


def _django_request(request):
    return getattr(request, "_request", request)


def restricted_paths(request):
    """Tree paths of the pages this request may not see (view restrictions), fetched once."""
    request = _django_request(request)
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
    """Live pages of the request's site that an anonymous visitor may see.

    The same rules as Wagtail's ``get_public_pages_queryset``, with the view restrictions read
    once per request and shared by everything that checks visibility while serializing.
    """
    queryset = Page.objects.live()
    for path in restricted_paths(request):
        queryset = queryset.exclude(path__startswith=path)
    site = SiteFilterValidator(site=request.GET.get("site"), request=request).site_obj
    if site is None:
        return queryset.none()
    return queryset.descendant_of(site.root_page, inclusive=True)
