"""Turn articles exported from other sites (HTML, Markdown or plain text) into draft ArticlePages.

Reading and saving are kept apart: ``read_article()`` turns one file into an ``ImportedArticle``
(a title and an outline of body blocks) without touching the database, so a dry run shows exactly
what a real import would save; ``save_draft()`` stores it as a draft revision under an articles
index. Nothing here ever publishes a page.

Markdown is rendered to HTML and plain text is given HTML structure, so all three formats go
through the same HTML reader: one place decides what becomes a heading, a paragraph, an accordion
or an image, and one sanitiser (Wagtail's own, with the article body's rich text features)
decides what markup survives.

The modules, each importing only those listed before it:

- ``exceptions``: ``ImportFailed``, the one error, raised per file with a reason for the editor;
- ``outline``: what an article is made of before it is saved, and the text helpers all share;
- ``chrome``: the page chrome to drop (``DEFAULT_DROP_PATTERNS``, ``DropRules``);
- ``html``: the HTML reader;
- ``reading``: finding files and reading one (``find_sources``, ``read_article``);
- ``saving``: storing the draft and importing its images (``existing_draft``, ``save_draft``).

Callers (the ``import_articles`` command, tests) import the names below from the package itself.
"""

from .chrome import DEFAULT_DROP_PATTERNS, DropRules, check_pattern
from .exceptions import ImportFailed
from .outline import ImportedArticle
from .reading import FORMATS, find_sources, read_article
from .saving import existing_draft, save_draft, stream_value

__all__ = [
    "DEFAULT_DROP_PATTERNS",
    "FORMATS",
    "DropRules",
    "ImportFailed",
    "ImportedArticle",
    "check_pattern",
    "existing_draft",
    "find_sources",
    "read_article",
    "save_draft",
    "stream_value",
]
