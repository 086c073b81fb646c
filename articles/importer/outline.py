"""What an imported article is made of before it is saved: a title and an outline of blocks.

The block classes (``Heading``, ``Paragraph``, ``Accordion``, ``Image``) are plain data: reading
builds them without touching the database, a dry run prints their ``outline()`` lines, and saving
turns each into the body's stored form with ``stream_data()``, which leaves that form to
``articles.body`` so that the importer and the demo content write the same JSON. The length
limits are those of the fields and blocks the values end up in; the readers cut text to fit.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from django.utils.text import slugify

from .. import body
from ..models import ArticlePage

SUMMARY_MAX_LENGTH = ArticlePage._meta.get_field("summary").max_length
TITLE_MAX_LENGTH = ArticlePage._meta.get_field("title").max_length
HEADING_MAX_LENGTH = 200  # HeadingBlock.text and AccordionItemBlock.title
ALT_TEXT_MAX_LENGTH = 250  # ImageBlock.alt_text
CITATION_MAX_LENGTH = 500  # CitationBlock.text
# Elements that start a new line of text; the others (strong, em, a, span...) run on.
BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd details div dl dt figcaption figure footer h1 h2 h3 "
    "h4 h5 h6 header hr li main nav ol p pre section summary table td th tr ul".split()
)
# A note's mark in running text, "[1]": it points at the references, so a summary read on its own
# goes without it.
NOTE_MARK = re.compile(r"\s*\[\d+\]")


@dataclass
class Heading:
    text: str
    level: str = "h2"

    def outline(self):
        return [f"heading {self.level}: {self.text}"]

    def stream_data(self):
        return body.heading(self.text, self.level)


@dataclass
class Paragraph:
    """Consecutive paragraphs and lists, as Wagtail database rich text, one fragment each."""

    parts: list[str] = field(default_factory=list)

    @property
    def html(self):
        return "".join(self.parts)

    def outline(self):
        words = text_of(self.html).split()
        count = len(self.parts)
        preview = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        return [
            f"paragraph ({count} part{'s' * (count != 1)}, "
            f"{len(words)} word{'s' * (len(words) != 1)}): {preview}"
        ]

    def stream_data(self):
        return body.paragraph(self.html)


@dataclass
class AccordionItem:
    title: str
    body: str


@dataclass
class Accordion:
    items: list[AccordionItem] = field(default_factory=list)

    def outline(self):
        lines = [f"accordion ({len(self.items)} item{'s' * (len(self.items) != 1)})"]
        return lines + [f"  item: {item.title}" for item in self.items]

    def stream_data(self):
        return body.accordion([(item.title, item.body) for item in self.items])


@dataclass
class Image:
    """An image file beside the source, to be imported into the image library."""

    path: Path
    alt_text: str
    caption: str = ""

    def outline(self):
        described = f'alt "{self.alt_text}"' if self.alt_text else "decorative"
        return [f"image: {self.path.name} ({described})"]

    def stream_data(self, image):
        return body.image(
            image.pk, alt_text=self.alt_text, caption=self.caption, decorative=not self.alt_text
        )


@dataclass
class Citation:
    """One entry of a references block: a note's text and the one identifier found in it."""

    text: str
    doi: str = ""
    pmid: str = ""
    url: str = ""

    def stream_data(self):
        return body.citation(
            shorten(self.text, CITATION_MAX_LENGTH), doi=self.doi, pmid=self.pmid, url=self.url
        )


@dataclass
class References:
    citations: list[Citation] = field(default_factory=list)

    def outline(self):
        lines = [f"references ({len(self.citations)})"]
        for entry in self.citations:
            found = entry.doi and f"DOI {entry.doi}" or entry.pmid and f"PMID {entry.pmid}"
            lines.append(f"  {shorten(entry.text, 80)}" + (f" [{found}]" if found else ""))
        return lines

    def stream_data(self):
        return body.references(*(entry.stream_data() for entry in self.citations))


@dataclass
class ImportedArticle:
    source: Path
    title: str
    blocks: list
    warnings: list[str] = field(default_factory=list)
    # What the blocks' files need until they are saved (a Word document's image folder).
    resources: list = field(default_factory=list, repr=False)

    @property
    def slug(self):
        return slugify(self.title)[:255].strip("-") or slugify(self.source.stem)[:255]

    @property
    def summary(self):
        """The first paragraph, cut on a word boundary to fit an article card."""
        for block in self.blocks:
            if isinstance(block, Paragraph):
                text = NOTE_MARK.sub("", text_of(block.parts[0]))
                return summarise(text, SUMMARY_MAX_LENGTH)
        return summarise(self.title, SUMMARY_MAX_LENGTH)

    def outline(self):
        lines = [f"title: {self.title}", f"summary: {self.summary}"]
        for block in self.blocks:
            lines.extend(block.outline())
        return lines


def text_of(rich_text):
    return text_in(BeautifulSoup(rich_text, "html.parser"))


def text_in(tag):
    """The text of ``tag`` as a reader sees it, on one line: blocks are separated by a space,
    inline markup is not (``<em>common</em>,`` reads "common,", which ``get_text(" ")`` would
    make "common ,")."""
    if isinstance(tag, NavigableString):  # loose text beside elements
        return normalise(tag) if type(tag) is NavigableString else ""
    parts = []
    for node in tag.descendants:
        if isinstance(node, Tag) and node.name in BLOCK_TAGS:
            parts.append(" ")
        elif type(node) is NavigableString:  # not a comment, doctype or CDATA
            if isinstance(node.previous_sibling, Tag) and node.previous_sibling.name in BLOCK_TAGS:
                parts.append(" ")
            parts.append(node)
    return normalise("".join(parts))


def normalise(text):
    return " ".join(text.split())


def summarise(text, limit):
    """As many whole sentences of ``text`` as fit in ``limit``, else its words that fit."""
    if len(text) <= limit:
        return text
    summary = ""
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if len(summary) + len(sentence) + 1 > limit:
            break
        summary = f"{summary} {sentence}".strip()
    return summary or shorten(text, limit)


def shorten(text, limit):
    """``text`` cut on a word boundary to at most ``limit`` characters, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + "…"
