"""Reading files: finding the importable ones, and reading one into an ``ImportedArticle``.

Markdown is rendered to HTML and plain text is given the HTML structure it implies, so all three
formats go through the same ``HtmlReader``; ``--sections-as-accordion`` is then applied to the
blocks read. Nothing here touches the database, so a dry run shows exactly what a real import
would save. A file that cannot be imported raises ``ImportFailed`` saying why.
"""

import html
import re
from pathlib import Path

import markdown

from .chrome import DropRules
from .exceptions import ImportFailed
from .html import HtmlReader
from .outline import (
    HEADING_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Accordion,
    AccordionItem,
    Heading,
    ImportedArticle,
    Paragraph,
    References,
    normalise,
    shorten,
)
from .word import read_word

FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".docx": "word",
    ".docm": "word",  # refused with a reason (macros), rather than "unsupported type"
}

# In a Word document, a section under one of these headings whose subheadings are all
# questions becomes an accordion.
FAQ_HEADINGS = {
    "faq",
    "faqs",
    "frequently asked questions",
    "common questions",
    "questions",
    "questions and answers",
    "preguntas",
    "preguntas frecuentes",
    "preguntas y respuestas",
}

# In plain text a heading is a short line without final punctuation followed by a paragraph.
TEXT_HEADING_MAX_WORDS = 12
FINAL_PUNCTUATION = ".,;:!?…"


def find_sources(paths):
    """The importable files named by ``paths``, folders searched recursively, in a stable order.

    Returns ``(file, root)`` pairs: ``root`` is the folder given, or the folder of the file
    given, and its images are read from inside it only. A path that does not exist, or a file
    of another type, is returned too so that the caller reports it; ``read_article`` raises
    ``ImportFailed`` for it.
    """
    sources = {}
    for path in map(Path, paths):
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if found.is_file() and found.suffix.lower() in FORMATS:
                    sources.setdefault(found, path)
        else:
            sources.setdefault(path, path.parent)
    return list(sources.items())


def read_article(path, rules=None, sections_as_accordion=(), root=None):
    """Read one file into an ``ImportedArticle``; raises ``ImportFailed`` with the reason.

    Its images are read from inside ``root`` only (default: the file's folder).
    """
    path = Path(path)
    rules = rules or DropRules()
    if not path.exists():
        raise ImportFailed("no such file or folder")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ImportFailed(
            f"unsupported file type {path.suffix or '(none)'!r}; expected .docx, .html, .md or .txt"
        )
    word = None
    if kind == "word":
        word = read_word(path)
        source, base_dir, root = word.html, word.folder, word.folder
    else:
        source, base_dir = read_text(path), path.parent
    if kind == "markdown":
        source = markdown.markdown(source, extensions=["extra", "sane_lists"])
    elif kind == "text":
        source = text_to_html(source, rules)

    reader = HtmlReader(base_dir=base_dir, rules=rules, root=root or path.parent)
    title, blocks = reader.read(source)
    if not title:
        expected = {
            "html": "an <h1>",
            "markdown": "a '# ' heading",
            "text": "a first line",
            "word": "a paragraph in the Title or Heading 1 style",
        }
        raise ImportFailed(f"no title found: the file needs {expected[kind]} to use as the title")
    if len(title) > TITLE_MAX_LENGTH:
        raise ImportFailed(f"the title is longer than {TITLE_MAX_LENGTH} characters: {title[:60]}…")
    if not blocks:
        raise ImportFailed("no article text found under the title")

    article = ImportedArticle(source=path, title=title, blocks=blocks, warnings=reader.warnings)
    if word is not None:
        article.warnings[:0] = word.warnings
        article.resources.append(word.scratch)
        if word.citations:
            article.blocks.append(References(word.citations))
        # Clinicians write their questions and answers under headings in Word; exports from
        # other sites say with --sections-as-accordion which sections are an accordion.
        sections_as_accordion = [*sections_as_accordion, *faq_headings(article)]
    for heading in sections_as_accordion:
        article.blocks = sections_to_accordion(article, heading)
    return article


def faq_headings(article):
    """The headings of question-and-answer sections: a heading named like "Frequently asked
    questions" (in English or Spanish) whose subheadings are all questions."""
    found = []
    for index, block in enumerate(article.blocks):
        if not isinstance(block, Heading) or block.level != "h2":
            continue
        if normalise(block.text).casefold().rstrip(":") not in FAQ_HEADINGS:
            continue
        section = []
        for following in article.blocks[index + 1 :]:
            if isinstance(following, Heading) and following.level == "h2":
                break
            section.append(following)
        questions = [item for item in section if isinstance(item, Heading)]
        if questions and all(item.text.rstrip().endswith("?") for item in questions):
            found.append(block.text)
    return found


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
