"""What keeps an article from being accessible, found before it can be published.

The frontend can only be accessible (WCAG 2.1 AA) if the content is. Each rule below is a small
function of an article's ``body`` (a StreamValue) that yields :class:`Problem` objects, each
with the path of the block it belongs to, so the admin can show it on that block. A draft may
have problems (the editor sees them listed); publishing or submitting for review refuses them
(:class:`articles.forms.ArticlePageForm`). The importer reports them as warnings, and
:class:`~articles.models.ArticlePage` stores them on save for the Content health report.
"""

import re
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from wagtail.blocks import ListBlock, StructBlock
from wagtail.blocks.list_block import ListBlockValidationError
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError

from . import rich_text
from .blocks import DOI_RE, PMID_RE

GENERIC_LINK_TEXT = {"click here", "read more", "here", "this link", "learn more"}
"""Link text that says nothing out of context; screen reader users often list links alone."""

ALT_TEXT_MESSAGE = "Add alt text, or tick 'decorative' if the image adds no information."
HERO_ALT_TEXT_MESSAGE = "Describe the hero image for screen readers."


@dataclass(frozen=True)
class Problem:
    """One accessibility problem: ``field`` of the page, ``path`` inside it, the editor's words.

    ``path`` leads from a StreamField to the block: stream and list indexes, struct child
    names; it is empty for a plain field. ``where`` says the same for people: "Block 3 (Image)".
    """

    field: str
    path: tuple
    message: str
    where: str = ""

    def as_dict(self):
        return {**asdict(self), "path": list(self.path)}

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message


def _where(child, index, item=None, item_word="item"):
    where = f"Block {index + 1} ({child.block.label})"
    return f"{where}, {item_word} {item + 1}" if item is not None else where


def _rich_texts(body):
    """``(path, where, html source)`` of every rich text in the body (read it with
    :func:`articles.rich_text.read`, which parses each text once for every rule)."""
    for i, child in enumerate(body):
        if child.block_type == "paragraph":
            yield (i,), _where(child, i), child.value.source
        elif child.block_type == "callout":
            yield (i, "text"), _where(child, i), child.value["text"].source
        elif child.block_type == "accordion":
            for j, item in enumerate(child.value["items"]):
                yield (i, "items", j, "body"), _where(child, i, j), item["body"].source


def _headings(body):
    """``(path, where, level)`` of every heading: heading blocks and headings in rich text."""
    for i, child in enumerate(body):
        if child.block_type == "heading":
            yield (i, "level"), _where(child, i), int(child.value["level"][1])
    for path, where, source in _rich_texts(body):
        for level in rich_text.read(source).heading_levels:
            yield path, where, level


# The rules. Each yields the problems of one kind.


def image_alt_text(body):
    """An image block without alt text that is not marked decorative."""
    for i, child in enumerate(body):
        if child.block_type != "image":
            continue
        if not child.value.get("decorative") and not (child.value.get("alt_text") or "").strip():
            yield Problem("body", (i, "alt_text"), ALT_TEXT_MESSAGE, _where(child, i))


def rich_text_image_alt_text(body):
    """An image in rich text without an alt attribute.

    Wagtail's image chooser asks for alt text or "decorative", which it stores as ``alt=""``;
    no ``alt`` at all means nobody was asked (pasted or imported content).
    """
    for path, where, source in _rich_texts(body):
        for _ in range(rich_text.read(source).images_without_alt):
            message = (
                "An image in this text has no alt text: choose it again and describe it, "
                "or mark it decorative."
            )
            yield Problem("body", path, message, where)


def heading_order(body):
    """Heading levels that skip (an H4 straight after an H2), or a body that starts below H2."""
    # Rich text headings are found after the heading blocks; order them as a reader meets them.
    headings = sorted(_headings(body), key=lambda heading: heading[0][0])
    previous = None
    for path, where, level in headings:
        if previous is None and level > 2:
            message = (
                f"The article starts with a subsection heading (H{level}): start it with a "
                "section heading (H2)."
            )
            yield Problem("body", path, message, where)
        elif previous is not None and level > previous + 1:
            message = (
                f"This H{level} comes straight after an H{previous}: use an H{previous + 1}, "
                "so screen reader users do not think a section is missing."
            )
            yield Problem("body", path, message, where)
        previous = level


def _generic(text):
    return re.sub(r"[^\w\s]", "", text).strip().lower() in GENERIC_LINK_TEXT


def link_text(body):
    """A link whose text is empty or only a generic phrase such as "click here"."""
    for path, where, source in _rich_texts(body):
        for text in rich_text.read(source).link_texts:
            if not text:
                yield Problem("body", path, "A link in this text has no words to click.", where)
            elif _generic(text):
                message = (
                    f"The link text '{text}' does not say where it goes: use words that make "
                    "sense on their own, e.g. 'read our guide to pacing'."
                )
                yield Problem("body", path, message, where)
    for i, child in enumerate(body):
        if child.block_type == "call_to_action" and _generic(child.value.get("label") or ""):
            message = (
                f"The button text '{child.value['label']}' does not say what it does: e.g. "
                "'Book a consultation'."
            )
            yield Problem("body", (i, "label"), message, _where(child, i))


def empty_content(body):
    """A heading, or an accordion item's question or answer, with nothing in it."""
    for i, child in enumerate(body):
        if child.block_type == "heading" and not (child.value.get("text") or "").strip():
            yield Problem("body", (i, "text"), "This heading is empty.", _where(child, i))
        elif child.block_type == "accordion":
            for j, item in enumerate(child.value["items"]):
                where = _where(child, i, j)
                if not (item.get("title") or "").strip():
                    path = (i, "items", j, "title")
                    yield Problem("body", path, "This accordion item has no title.", where)
                if not rich_text.read(item["body"].source).text:
                    path = (i, "items", j, "body")
                    yield Problem("body", path, "This accordion item has no text.", where)


def citation_identifiers(body):
    """A DOI that is not ``10.<registrant>/<suffix>``, or a PubMed ID that is not digits."""
    for i, child in enumerate(body):
        if child.block_type != "references":
            continue
        for j, citation in enumerate(child.value):
            where = _where(child, i, j, "citation")
            doi = (citation.get("doi") or "").strip()
            pmid = (citation.get("pmid") or "").strip()
            if doi and not DOI_RE.match(doi):
                message = "A DOI starts with '10.' then a slash, e.g. 10.1000/xyz123."
                yield Problem("body", (i, j, "doi"), message, where)
            if pmid and not PMID_RE.match(pmid):
                message = "A PubMed ID is a number of up to nine digits."
                yield Problem("body", (i, j, "pmid"), message, where)


BODY_RULES = [
    image_alt_text,
    rich_text_image_alt_text,
    heading_order,
    link_text,
    empty_content,
    citation_identifiers,
]


def problems(body, hero_image=None, hero_image_alt=""):
    """Every accessibility problem of an article, the hero image first, then in body order."""
    found = []
    if hero_image is not None and not (hero_image_alt or "").strip():
        found.append(Problem("hero_image_alt", (), HERO_ALT_TEXT_MESSAGE, "Hero image"))
    body_problems = [problem for rule in BODY_RULES for problem in rule(body)]
    return found + sorted(body_problems, key=lambda problem: problem.path[0])


def page_problems(page):
    return problems(page.body, page.hero_image, page.hero_image_alt)


# Problems as the StreamField editor shows errors: nested on the block they belong to.


def _error(block, node):
    """The error of ``block`` holding ``node``'s messages and its children's errors."""
    messages = node.get("messages", [])
    children = node.get("children", {})
    if isinstance(block, StructBlock):
        errors = {name: _error(block.child_blocks[name], n) for name, n in children.items()}
        return StructBlockValidationError(block_errors=errors, non_block_errors=messages)
    if isinstance(block, ListBlock):
        errors = {i: _error(block.child_block, n) for i, n in children.items()}
        return ListBlockValidationError(block_errors=errors, non_block_errors=messages)
    return ValidationError(messages)


def body_error(body, problems):
    """The error of the body StreamField showing ``problems`` on their blocks."""
    errors = {
        i: _error(body[i].block, node)
        for i, node in _tree([p for p in problems if p.field == "body"]).items()
    }
    return StreamBlockValidationError(block_errors=errors)


def _tree(problems):
    tree = {}
    for problem in problems:
        index, *rest = problem.path
        node = tree.setdefault(index, {})
        for step in rest:
            node = node.setdefault("children", {}).setdefault(step, {})
        node.setdefault("messages", []).append(problem.message)
    return tree
