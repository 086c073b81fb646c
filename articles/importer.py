"""Turn articles exported from other sites (HTML, Markdown or plain text) into draft ArticlePages.

Reading and saving are kept apart: ``read_article()`` turns one file into an ``ImportedArticle``
(a title and an outline of body blocks) without touching the database, so a dry run shows exactly
what a real import would save; ``save_draft()`` stores it as a draft revision under an articles
index. Nothing here ever publishes a page.

Markdown is rendered to HTML and plain text is given HTML structure, so all three formats go
through the same HTML reader: one place decides what becomes a heading, a paragraph, an accordion
or an image, and one sanitiser (Wagtail's own, with the article body's rich text features)
decides what markup survives.
"""

import functools
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import markdown
from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PreformattedString
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile, get_image_dimensions
from django.db import transaction
from django.utils.text import slugify
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter
from wagtail.images import get_image_model
from wagtail.images.utils import get_allowed_image_extensions
from wagtail.utils.file import hash_filelike

from . import body
from .blocks import RICH_TEXT_FEATURES
from .models import ArticlePage

FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}

SUMMARY_MAX_LENGTH = ArticlePage._meta.get_field("summary").max_length
TITLE_MAX_LENGTH = ArticlePage._meta.get_field("title").max_length
HEADING_MAX_LENGTH = 200  # HeadingBlock.text and AccordionItemBlock.title
ALT_TEXT_MAX_LENGTH = 250  # ImageBlock.alt_text

# In plain text a heading is a short line without final punctuation followed by a paragraph.
TEXT_HEADING_MAX_WORDS = 12
FINAL_PUNCTUATION = ".,;:!?…"

DEFAULT_DROP_PATTERNS = [
    # Image alt text left standing alone by a text export: "Accordion arrow", "Close icon".
    r"(?:[\w-]+ ){0,2}(?:arrow|icon|chevron|caret|logo)",
    # Form messages that site builders hide in every page until a form is sent.
    r"thank you!? your submission has been received!?",
    r"oops!? something went wrong while submitting the form\.?",
    # Cookie banners.
    r"(?:this (?:web)?site|we) uses? cookies\b.*",
    r"(?:accept|allow|reject|decline|deny)(?: all)?(?: cookies)?",
    r"(?:cookie|privacy) (?:settings|preferences|policy)|manage (?:cookies|preferences)",
    # Navigation and sharing links.
    r"skip to (?:main )?content|back to top|menu|home|about(?: us)?|contact(?: us)?|services|blog",
    r"search|close|previous|next|read more|log ?in|sign ?up|subscribe",
    r"share(?: this)?(?: article| post| page)?(?: on \w+)?",
]
"""Lines (or whole elements) of page chrome to drop, matched case-insensitively against the whole
of their text. Extend them with ``--drop-pattern`` or ``--drop-rules``."""

# Elements that never carry article text: scripts, forms, site navigation and the like.
CHROME_ELEMENTS = (
    "head script style noscript template iframe object embed svg canvas form button input select "
    "textarea nav footer aside dialog"
).split()
CHROME_ROLES = {"navigation", "contentinfo", "dialog", "alertdialog", "search"}
CHROME_CLASS_RE = re.compile(
    r"cookie|gdpr|consent-(?:banner|modal|manager)|w-form-done|w-form-fail|navbar|breadcrumb"
    r"|skip-link",
    re.IGNORECASE,
)

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
INLINE_TAGS = set(
    "a abbr b bdi bdo br cite code data del dfn em font i img ins kbd label mark q s samp small "
    "span strong sub sup time u var".split()
)


class ImportFailed(Exception):
    """A file that cannot be imported; the message says why, in words an editor understands."""


# -- What an article is made of, before it is saved ------------------------------------------


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
        return [f"paragraph ({count} part{'s' * (count != 1)}, {len(words)} words): {preview}"]

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
class ImportedArticle:
    source: Path
    title: str
    blocks: list
    warnings: list[str] = field(default_factory=list)

    @property
    def slug(self):
        return slugify(self.title)[:255].strip("-") or slugify(self.source.stem)[:255]

    @property
    def summary(self):
        """The first paragraph, cut on a word boundary to fit an article card."""
        for block in self.blocks:
            if isinstance(block, Paragraph):
                return summarise(text_of(block.parts[0]), SUMMARY_MAX_LENGTH)
        return summarise(self.title, SUMMARY_MAX_LENGTH)

    def outline(self):
        lines = [f"title: {self.title}", f"summary: {self.summary}"]
        for block in self.blocks:
            lines.extend(block.outline())
        return lines


def text_of(rich_text):
    return normalise(BeautifulSoup(rich_text, "html.parser").get_text(" "))


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


# -- Page chrome ----------------------------------------------------------------------------


class DropRules:
    """Patterns of page chrome: a line or element whose whole text matches one is dropped."""

    def __init__(self, patterns=()):
        self.patterns = [re.compile(p, re.IGNORECASE) for p in [*DEFAULT_DROP_PATTERNS, *patterns]]

    @staticmethod
    def read_file(path):
        """The patterns in a rules file: one regex a line; blank lines and ``#`` comments skipped.

        Raises ``ValueError`` naming the line of a pattern that is not a valid regex.
        """
        patterns = []
        text = Path(path).read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.strip()
            if line and not line.startswith("#"):
                check_pattern(line, where=f"{path}, line {number}")
                patterns.append(line)
        return patterns

    def matches(self, text):
        text = normalise(text)
        return any(pattern.fullmatch(text) for pattern in self.patterns)


def check_pattern(pattern, where):
    try:
        re.compile(pattern)
    except re.error as error:
        raise ValueError(
            f"{where}: {pattern!r} is not a valid regular expression ({error})"
        ) from None


# -- Reading files --------------------------------------------------------------------------


def find_sources(paths):
    """The importable files named by ``paths``, folders searched recursively, in a stable order.

    A path that does not exist, or a file of another type, is returned too so that the caller
    reports it; ``read_article`` raises ``ImportFailed`` for it.
    """
    sources = []
    for path in map(Path, paths):
        if path.is_dir():
            sources.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
            )
        else:
            sources.append(path)
    return list(dict.fromkeys(sources))


def read_article(path, rules=None, sections_as_accordion=()):
    """Read one file into an ``ImportedArticle``; raises ``ImportFailed`` with the reason."""
    path = Path(path)
    rules = rules or DropRules()
    if not path.exists():
        raise ImportFailed("no such file or folder")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ImportFailed(
            f"unsupported file type {path.suffix or '(none)'!r}; expected .html, .md or .txt"
        )
    source = read_text(path)
    if kind == "markdown":
        source = markdown.markdown(source, extensions=["extra", "sane_lists"])
    elif kind == "text":
        source = text_to_html(source, rules)

    reader = HtmlReader(base_dir=path.parent, rules=rules)
    title, blocks = reader.read(source)
    if not title:
        expected = {"html": "an <h1>", "markdown": "a '# ' heading", "text": "a first line"}
        raise ImportFailed(f"no title found: the file needs {expected[kind]} to use as the title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ImportFailed(f"the title is longer than {TITLE_MAX_LENGTH} characters: {title[:60]}…")
    if not blocks:
        raise ImportFailed("no article text found under the title")

    article = ImportedArticle(source=path, title=title, blocks=blocks, warnings=reader.warnings)
    for heading in sections_as_accordion:
        article.blocks = sections_to_accordion(article, heading)
    return article


def read_text(path):
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed("no such file") from None
    except OSError as error:
        raise ImportFailed(f"cannot be read ({error.strerror or error})") from None
    if b"\x00" in data:
        raise ImportFailed("looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} at position {error.start}); "
            "save it as UTF-8 and import it again"
        ) from None
    if not text.strip():
        raise ImportFailed("the file is empty")
    return text


def text_to_html(text, rules):
    """Give plain text the HTML structure it implies.

    The first line is the title; blank lines separate paragraphs; lines starting with ``-``,
    ``*`` or ``1.`` are lists; a short line without final punctuation followed by a paragraph is
    a heading. Chrome lines are dropped first, so that e.g. an alt text standing before the title
    does not become the title.
    """
    chunks, lines = [], []
    for line in [*text.splitlines(), ""]:
        line = line.strip()
        if not line:
            if lines:
                chunks.append(lines)
            lines = []
        elif not rules.matches(line):
            lines.append(line)
    if not chunks:
        return ""
    title, *rest = chunks[0]
    chunks = [rest, *chunks[1:]] if rest else chunks[1:]

    parts = [f"<h1>{html.escape(title)}</h1>"]
    for index, chunk in enumerate(chunks):
        following = chunks[index + 1] if index + 1 < len(chunks) else None
        if _is_text_heading(chunk) and following and not _is_text_heading(following):
            parts.append(f"<h2>{html.escape(chunk[0])}</h2>")
        elif list_tag := _text_list_tag(chunk):
            items = "".join(f"<li>{html.escape(_LIST_MARK_RE.sub('', li))}</li>" for li in chunk)
            parts.append(f"<{list_tag}>{items}</{list_tag}>")
        else:
            parts.append(f"<p>{html.escape(' '.join(chunk))}</p>")
    return "\n".join(parts)


_LIST_MARK_RE = re.compile(r"^(?:[-*•]|\d+[.)])\s+")


def _is_text_heading(chunk):
    return (
        len(chunk) == 1
        and len(chunk[0].split()) <= TEXT_HEADING_MAX_WORDS
        and not chunk[0].endswith(tuple(FINAL_PUNCTUATION))
        and not _LIST_MARK_RE.match(chunk[0])
    )


def _text_list_tag(chunk):
    if all(re.match(r"^\d+[.)]\s", line) for line in chunk):
        return "ol"
    if all(re.match(r"^[-*•]\s", line) for line in chunk):
        return "ul"
    return None


class HtmlReader:
    """Reads an HTML document into a title and a list of body blocks.

    The title is the first ``<h1>``. Headings become heading blocks, ``<details>`` and ``<dl>``
    accordion items, local ``<img>`` image blocks, and everything else flowing text that Wagtail's
    rich text sanitiser reduces to the article body's features. Problems that do not stop the
    import (a missing image, say) are collected in ``warnings``.
    """

    def __init__(self, base_dir, rules):
        self.base_dir = Path(base_dir)
        self.rules = rules
        self.warnings = []

    def read(self, source):
        soup = BeautifulSoup(source, "html.parser")
        page_title = normalise(soup.title.get_text(" ")) if soup.title else ""
        self._remove_chrome(soup)
        title = ""
        for h1 in soup.find_all("h1"):
            text = normalise(h1.get_text(" "))
            if text and not self.rules.matches(text):
                title = text
                h1.decompose()
                break
        title = title or page_title
        # Site-wide headers are chrome once the title is out of them; a header inside the
        # article keeps its text (a byline, say).
        for header in [*soup.find_all("header"), *soup.find_all(attrs={"role": "banner"})]:
            if not header.decomposed and not header.find_parent(["article", "main"]):
                header.decompose()
        root = soup.find("main") or soup.find("article") or soup.body or soup
        outline = _Outline()
        self._walk(root, outline)
        return title, outline.finish()

    def _remove_chrome(self, soup):
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for tag in soup.find_all(True):
            if tag.decomposed:
                continue
            if tag.name in CHROME_ELEMENTS or _is_chrome_container(tag):
                tag.decompose()

    def _walk(self, node, outline):
        inline = []
        for child in list(node.children):
            if isinstance(child, PreformattedString):
                continue  # a doctype, CDATA section or processing instruction
            if isinstance(child, NavigableString):
                inline.append(child)
            elif child.name in INLINE_TAGS and not child.find(_BLOCK_LEVEL):
                inline.append(child)
            else:
                self._flush_inline(inline, outline)
                inline = []
                self._block(child, outline)
        self._flush_inline(inline, outline)

    def _block(self, tag, outline):
        name = tag.name
        if name in HEADING_TAGS:
            text = normalise(tag.get_text(" "))
            if not text or self.rules.matches(text):
                return
            if len(text) > HEADING_MAX_LENGTH:
                # Too long for a heading: it is a sentence set in large type.
                outline.paragraph(self._sanitise(f"<p>{html.escape(text)}</p>"))
            else:
                outline.add(Heading(text, "h3" if name in {"h3", "h4", "h5", "h6"} else "h2"))
        elif name == "p":
            self._flow(tag, outline)
        elif name in {"ul", "ol"}:
            for li in tag.find_all("li"):
                if not li.decomposed and self.rules.matches(li.get_text(" ")):
                    li.decompose()
            self._flow(tag, outline)
        elif name == "details":
            self._details(tag, outline)
        elif name == "dl":
            self._definition_list(tag, outline)
        elif name in {"img", "figure"}:
            images = self._lift_images(tag)
            caption = tag.find("figcaption") if name == "figure" else None
            if len(images) == 1 and caption:
                images[0].caption = shorten(normalise(caption.get_text(" ")), ALT_TEXT_MAX_LENGTH)
                caption.decompose()
            for image in images:
                outline.add(image)
            if name == "figure":
                self._walk(tag, outline)
        elif name == "hr":
            outline.end_paragraph()
        else:
            # A container (div, section, table, blockquote, ...): its children decide.
            self._walk(tag, outline)
            outline.end_paragraph()

    def _flush_inline(self, nodes, outline):
        """Loose text and inline elements in a container make one paragraph."""
        if not any(normalise(node.get_text(" ")) for node in nodes):
            for node in nodes:
                if isinstance(node, Tag):
                    for image in self._lift_images(node):
                        outline.add(image)
            return
        wrapper = BeautifulSoup("<p></p>", "html.parser").p
        for node in nodes:
            wrapper.append(node.extract())
        self._flow(wrapper, outline)

    def _flow(self, tag, outline):
        """A paragraph or list: its images lifted out after it, its markup sanitised."""
        images = self._lift_images(tag)
        text = normalise(tag.get_text(" "))
        if text and not self.rules.matches(text):
            html_fragment = self._sanitise(tag)
            if text_of(html_fragment):
                outline.paragraph(html_fragment)
        for image in images:
            outline.add(image)

    def _details(self, tag, outline):
        summary = tag.find("summary")
        if summary is None:
            self._walk(tag, outline)
            return
        title = normalise(summary.get_text(" "))
        summary.decompose()
        self._accordion_item(title, tag, outline)

    def _definition_list(self, tag, outline):
        title, bodies = None, []
        terms = [term for term in tag.find_all(["dt", "dd"]) if term.find_parent("dl") is tag]
        for term in terms:
            if term.name == "dt":
                if title is not None:
                    self._accordion_item(title, bodies, outline)
                title, bodies = normalise(term.get_text(" ")), []
            elif title is not None:
                bodies.append(term)
        if title is not None:
            self._accordion_item(title, bodies, outline)

    def _accordion_item(self, title, content, outline):
        if not title or self.rules.matches(title):
            return
        nodes = content if isinstance(content, list) else [content]
        body = "".join(self.rich_text(node) for node in nodes)
        if not text_of(body):
            self.warnings.append(f"accordion item {title!r} has no text; left out")
            return
        outline.add(Accordion([AccordionItem(shorten(title, HEADING_MAX_LENGTH), body)]))

    def rich_text(self, node):
        """The content of ``node`` as one rich text value, for an accordion item's body."""
        inner = _Outline()
        self._walk(node, inner)
        parts = []
        for block in inner.finish():
            if isinstance(block, Paragraph):
                parts.append(block.html)
            elif isinstance(block, Heading):
                parts.append(f"<p><b>{html.escape(block.text)}</b></p>")
            elif isinstance(block, Accordion):
                for item in block.items:
                    parts.append(f"<p><b>{html.escape(item.title)}</b></p>{item.body}")
            else:
                self.warnings.append(
                    f"image {block.path.name} inside an accordion item was left out "
                    "(accordion items hold text only)"
                )
        return "".join(parts)

    def _lift_images(self, tag):
        """Take the images out of ``tag`` and return those worth importing."""
        found = [tag] if tag.name == "img" else tag.find_all("img")
        images = []
        for img in found:
            img.extract()
            image = self._image(img)
            if image:
                images.append(image)
        return images

    def _image(self, img):
        src = (img.get("src") or "").strip()
        alt = normalise(img.get("alt") or "")
        if alt and self.rules.matches(alt):
            return None  # an icon such as an accordion arrow
        if not src:
            return None
        parsed = urlparse(src)
        if parsed.scheme in {"http", "https", "data"} or src.startswith("//"):
            shown = src if parsed.scheme != "data" else "an embedded data: image"
            self.warnings.append(f"image {shown[:80]} skipped: only local image files are imported")
            return None
        relative = unquote(parsed.path)
        path = self.base_dir / relative.lstrip("/")
        if not path.is_file():
            self.warnings.append(f"image {relative} not found beside the file; skipped")
            return None
        if img.get("alt") is None:
            self.warnings.append(
                f"image {path.name} has no alt text; imported as decorative, "
                "describe it in the CMS if it carries information"
            )
        return Image(path=path, alt_text=shorten(alt, ALT_TEXT_MAX_LENGTH))

    def _sanitise(self, fragment):
        cleaned = rich_text_converter().to_database_format(str(fragment))
        # Source indentation means nothing in rich text; neither does space between blocks.
        cleaned = re.sub(r"\s+", " ", cleaned)
        return re.sub(r"\s*(</?(?:p|ul|ol|li|br/?)>)\s*", r"\1", cleaned).strip()


_BLOCK_LEVEL = [
    *HEADING_TAGS,
    *"address article blockquote details div dl figure header hr li main ol p pre section table "
    "ul".split(),
]


def _is_chrome_container(tag):
    if tag.attrs is None:
        return False
    if tag.get("role") in CHROME_ROLES or tag.get("aria-hidden") == "true":
        return True
    names = " ".join([*tag.get("class", []), tag.get("id") or ""])
    return bool(CHROME_CLASS_RE.search(names))


@functools.cache
def rich_text_converter():
    """Wagtail's own sanitiser, limited to the features the article body allows."""
    return EditorHTMLConverter(features=RICH_TEXT_FEATURES)


class _Outline:
    """Collects blocks in order, merging neighbouring paragraphs and accordion items."""

    def __init__(self):
        self.blocks = []
        self.parts = []

    def paragraph(self, html_fragment):
        self.parts.append(html_fragment)

    def end_paragraph(self):
        if self.parts:
            self.blocks.append(Paragraph(self.parts))
            self.parts = []

    def add(self, block):
        self.end_paragraph()
        previous = self.blocks[-1] if self.blocks else None
        if isinstance(block, Accordion) and isinstance(previous, Accordion):
            previous.items.extend(block.items)
        else:
            self.blocks.append(block)

    def finish(self):
        self.end_paragraph()
        return self.blocks


def sections_to_accordion(article, heading):
    """Turn every section under ``heading`` into an accordion item.

    ``heading`` is the text of a heading in the article (or its title, meaning every section of
    the article). The sections are the subheadings below it up to the next heading of its level;
    each becomes an item titled by its subheading, with the section's text as its body.
    """
    wanted = normalise(heading).casefold()
    rank = {"h2": 2, "h3": 3}
    blocks = article.blocks
    if normalise(article.title).casefold() == wanted:
        start, level = 0, 1
    else:
        start = next(
            (
                i + 1
                for i, block in enumerate(blocks)
                if isinstance(block, Heading) and block.text.casefold() == wanted
            ),
            None,
        )
        if start is None:
            article.warnings.append(f"no heading {heading!r} to turn sections into an accordion")
            return blocks
        level = rank[blocks[start - 1].level]

    end = next(
        (
            i
            for i in range(start, len(blocks))
            if isinstance(blocks[i], Heading) and rank[blocks[i].level] <= level
        ),
        len(blocks),
    )
    intro, items, others = [], [], []
    for block in blocks[start:end]:
        if isinstance(block, Heading):
            items.append(AccordionItem(shorten(block.text, HEADING_MAX_LENGTH), ""))
        elif not items:
            intro.append(block)
        elif isinstance(block, Paragraph):
            items[-1].body += block.html
        elif isinstance(block, Accordion):
            for item in block.items:
                items[-1].body += f"<p><b>{html.escape(item.title)}</b></p>{item.body}"
        else:
            others.append(block)  # images cannot go inside an item; they follow the accordion
    for item in items:
        if not item.body:
            article.warnings.append(
                f"section {item.title!r} has no text; left out of the accordion"
            )
    items = [item for item in items if item.body]
    if not items:
        article.warnings.append(f"no sections under {heading!r} to turn into an accordion")
        return blocks
    return [*blocks[:start], *intro, Accordion(items), *others, *blocks[end:]]


# -- Saving ----------------------------------------------------------------------------------


def existing_draft(article, parent):
    """The page a re-import of ``article`` updates: the child of ``parent`` with its slug."""
    return parent.get_children().filter(slug=article.slug).specific().first()


def save_draft(article, parent):
    """Create or update the draft ArticlePage for ``article``; returns "created" or "updated".

    A new page is created unpublished; an existing one (same slug under ``parent``) gets a new
    draft revision with the imported title and body, keeping whatever an editor set on it
    (summary, authors, review dates...). Nothing is ever published. Raises ``ImportFailed``.
    """
    with transaction.atomic():
        body = stream_value(article)
        page = existing_draft(article, parent)
        if page is not None and not isinstance(page, ArticlePage):
            raise ImportFailed(f"{page.url_path} exists and is not an article page")
        try:
            if page is None:
                page = ArticlePage(
                    title=article.title,
                    slug=article.slug,
                    summary=article.summary,
                    body=body,
                    live=False,
                )
                parent.add_child(instance=page)
                page.save_revision(log_action=True)
                return "created"
            page = page.get_latest_revision_as_object()
            page.title = article.title
            page.body = body
            page.summary = page.summary or article.summary
            page.save_revision(log_action=True)
            return "updated"
        except ValidationError as error:
            raise ImportFailed(
                f"the page would not be valid: {'; '.join(error.messages)}"
            ) from None


def stream_value(article):
    """The article's blocks as a validated body StreamValue, importing its images on the way."""
    stream_block = ArticlePage._meta.get_field("body").stream_block
    data = []
    for block in article.blocks:
        if isinstance(block, Image):
            image = import_image(block, article.warnings)
            if image is not None:
                data.append(block.stream_data(image))
        else:
            data.append(block.stream_data())
    try:
        return stream_block.clean(stream_block.to_python(data))
    except ValidationError as error:
        raise ImportFailed(f"the body would not be valid: {'; '.join(error.messages)}") from None


def import_image(block, warnings):
    """The library image for ``block``'s file: an existing one with the same content, or new."""
    Image = get_image_model()
    extension = block.path.suffix.lower().lstrip(".")
    if extension not in get_allowed_image_extensions():
        warnings.append(f"image {block.path.name} skipped: .{extension} files are not allowed")
        return None
    with block.path.open("rb") as f:
        file_hash = hash_filelike(f)
        existing = Image.objects.filter(file_hash=file_hash).first()
        if existing is not None:
            return existing
        f.seek(0)
        if None in get_image_dimensions(f):
            warnings.append(f"image {block.path.name} skipped: not an image file")
            return None
        f.seek(0)
        title = block.alt_text or block.path.stem.replace("-", " ").replace("_", " ")
        image = Image(
            title=shorten(title, 255),
            file=ImageFile(f, name=block.path.name),
            file_size=block.path.stat().st_size,
            file_hash=file_hash,
        )
        image.save()
        return image
