"""Database rich text as frontend HTML, its links and images rendered from the loaders."""

import functools
import re

from django.utils.html import escape
from wagtail.rich_text import RichText
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from .. import renditions as rendition_rules
from ..safe_urls import is_safe_url, safe_html
from .urls import absolute_url

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


def _tag_id(attrs):
    """The object id a rich-text tag names, or None when it names none."""
    try:
        return int(attrs.get("id"))
    except (TypeError, ValueError):
        return None


def _url_link(attrs):
    """A link to a URL, with its target alone, if :func:`headless.safe_urls.is_safe_url`; an
    empty ``<a>`` (its text left as plain text) otherwise, or when no target could be read."""
    href = attrs.get("href")
    return f'<a href="{escape(href)}">' if href is not None and is_safe_url(href) else "<a>"


class RichTextRenderer:
    """Renders rich text whose links and images the loaders have loaded (``pages``, a
    :class:`~.pages.PageLoader`; ``documents``, a :class:`~.documents.DocumentLoader`;
    ``images``, an :class:`~.images.ImageLoader`)."""

    def __init__(self, pages, documents, images):
        self.pages = pages
        self.documents = documents
        self.images = images

    def render(self, html):
        """See :meth:`headless.references.References.rich_text`."""
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
            links.append(f'<a href="{escape(self.pages.path(page))}">' if page else "<a>")
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
            rendition = self.images.renditions(image, [spec])[spec]
            format_name = escape(attrs.get("format", ""))
            embeds.append(
                f'<img src="{escape(rendition["url"])}" alt="{escape(attrs.get("alt", ""))}"'
                f' width="{rendition["width"]}" height="{rendition["height"]}"'
                + (f' class="richtext-image {format_name}"' if format_name else "")
                + ">"
            )
        return embeds


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
