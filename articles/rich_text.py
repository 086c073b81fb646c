"""What the content checks read from a stored rich text, parsed once however many read it.

The reading level (:mod:`articles.readability`) and each accessibility rule
(:mod:`articles.accessibility`) look at the same rich texts of an article, on every save and on
every preview an editor's pause asks for. :func:`read` parses a rich text's stored HTML once
and keeps what they need; it is a pure function of the HTML, so its answers are remembered by
that text (the last :data:`REMEMBERED` of them, in this process): a preview of a long article
parses again only the block being typed in.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from bs4 import BeautifulSoup

BLOCK_ELEMENTS = ["p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote"]
"""The elements that each hold one unit of prose (paragraphs, list items, headings)."""

REMEMBERED = 4096
"""How many rich texts' readings are kept, a few long articles' worth."""


@dataclass(frozen=True)
class RichText:
    """One rich text as the checks read it, in document order."""

    text: str
    """All its text, words separated by spaces."""
    units: tuple
    """The text of each innermost block element (a list item's paragraph is one unit, not
    two); the whole text if it has none."""
    heading_levels: tuple
    """The level of each heading element: ``2`` for ``<h2>``."""
    images_without_alt: int
    """Images embedded without an ``alt`` attribute (``alt=""`` is a decorative image)."""
    link_texts: tuple
    """The text of each link."""


@lru_cache(maxsize=REMEMBERED)
def read(source):
    """The :class:`RichText` of stored rich text HTML ``source`` (None reads as empty)."""
    soup = BeautifulSoup(source or "", "html.parser")
    text = soup.get_text(" ", strip=True)
    units = [
        element.get_text(" ", strip=True)
        for element in soup.find_all(BLOCK_ELEMENTS)
        if not element.find(BLOCK_ELEMENTS)
    ]
    return RichText(
        text=text,
        units=tuple(units) or (text,),
        heading_levels=tuple(int(tag.name[1]) for tag in soup.find_all(re.compile(r"^h[1-6]$"))),
        images_without_alt=sum(
            not embed.has_attr("alt") for embed in soup.find_all("embed", embedtype="image")
        ),
        link_texts=tuple(link.get_text(" ", strip=True) for link in soup.find_all("a")),
    )
