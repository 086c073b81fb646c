"""The HTML reader: the one place that decides which markup becomes which body block.

Every format reaches it as HTML (``reading`` renders Markdown and structures plain text first).
Which markup survives inside the text is left to Wagtail's own rich text sanitiser, limited to
the article body's features. The reader never touches the database; problems that do not stop
an import (a missing image, say) are collected in ``HtmlReader.warnings``.
"""

import functools
import html
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from bs4.element import PreformattedString
from wagtail.admin.rich_text.converters.editor_html import EditorHTMLConverter

from headless.blocks import RICH_TEXT_FEATURES
from headless.safe_urls import UNSAFE_URL_MESSAGE, is_safe_url

from .chrome import CHROME_ELEMENTS, is_chrome_container
from .outline import (
    ALT_TEXT_MAX_LENGTH,
    HEADING_MAX_LENGTH,
    Accordion,
    AccordionItem,
    Heading,
    Image,
    Paragraph,
    normalise,
    shorten,
    text_in,
    text_of,
)

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
INLINE_TAGS = set(
    "a abbr b bdi bdo br cite code data del dfn em font i img ins kbd label mark q s samp small "
    "span strong sub sup time u var".split()
)


class HtmlReader:
    """Reads an HTML document into a title and a list of body blocks.

    The title is the first ``<h1>``. Headings become heading blocks, ``<details>`` and ``<dl>``
    accordion items, local ``<img>`` image blocks, and everything else flowing text that Wagtail's
    rich text sanitiser reduces to the article body's features. Problems that do not stop the
    import (a missing image, say) are collected in ``warnings``.

    Images are read from paths relative to ``base_dir`` (the file's folder) that stay inside
    ``root`` (the folder the import was given) once ``..`` and symlinks are resolved: an
    article must not pull any other file on the machine into the public image library.
    """

    def __init__(self, base_dir, rules, root=None):
        self.base_dir = Path(base_dir)
        self.root = Path(root or base_dir).resolve()
        self.rules = rules
        self.warnings = []

    def read(self, source):
        soup = BeautifulSoup(source, "html.parser")
        page_title = text_in(soup.title) if soup.title else ""
        self._remove_chrome(soup)
        title = ""
        for h1 in soup.find_all("h1"):
            text = text_in(h1)
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
        self._drop_unsafe_links(root)
        outline = _Outline()
        self._walk(root, outline)
        return title, outline.finish()

    def _drop_unsafe_links(self, root):
        """A link to an unsafe URL (:mod:`headless.safe_urls`) becomes its text, with a warning."""
        for link in root.find_all("a", href=True):
            if not is_safe_url(link["href"]):
                self.warnings.append(
                    f"link to {link['href'][:80]!r} dropped, its text kept: {UNSAFE_URL_MESSAGE}"
                )
                link.unwrap()

    def _remove_chrome(self, soup):
        for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
            comment.extract()
        for tag in soup.find_all(True):
            if tag.decomposed:
                continue
            if tag.name in CHROME_ELEMENTS or is_chrome_container(tag):
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
            text = text_in(tag)
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
                if not li.decomposed and self.rules.matches(text_in(li)):
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
                images[0].caption = shorten(text_in(caption), ALT_TEXT_MAX_LENGTH)
                caption.decompose()
            for image in images:
                outline.add(image)
            if name == "figure":
                self._walk(tag, outline)
        elif name == "hr":
            outline.end_paragraph()
        elif name == "table":
            # Its cells are no continuation of the paragraph before it.
            outline.end_paragraph()
            self._walk(tag, outline)
            outline.end_paragraph()
        else:
            # A container (div, section, blockquote, ...): its children decide.
            self._walk(tag, outline)
            outline.end_paragraph()

    def _flush_inline(self, nodes, outline):
        """Loose text and inline elements in a container make one paragraph."""
        if not any(text_in(node) for node in nodes):
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
        text = text_in(tag)
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
        title = text_in(summary)
        summary.decompose()
        self._accordion_item(title, tag, outline)

    def _definition_list(self, tag, outline):
        title, bodies = None, []
        terms = [term for term in tag.find_all(["dt", "dd"]) if term.find_parent("dl") is tag]
        for term in terms:
            if term.name == "dt":
                if title is not None:
                    self._accordion_item(title, bodies, outline)
                title, bodies = text_in(term), []
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
        if not path.resolve().is_relative_to(self.root):
            self.warnings.append(
                f"image {src[:200]} is outside the import folder {self.root}; skipped"
            )
            return None
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
