"""The article body blocks' stored JSON form, for code that writes bodies: the importer and
the demo content.

Each builder returns one child of ``ArticleBodyBlock`` (``articles/blocks.py``) as StreamField
stores it, ``{"type": ..., "value": ...}``, with every field of the block named, so a field added
to a block is added here once and every writer gets it. ``link`` and ``citation`` return the
value of a struct that sits inside other blocks (a call to action, a references list, the clinic
settings' navigation) rather than a body child.

Nothing here validates: a writer runs what it built through the body's stream block (its
``clean``) before saving, as the importer and ``load_demo_content`` do. Keep this module free of
imports from ``home``, ``demo`` and ``cms``: it sits below everything that writes bodies.
"""

import uuid


def heading(text, level="h2"):
    """A ``heading`` block; ``level`` is ``"h2"`` or ``"h3"``."""
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(html):
    """A ``paragraph`` block: rich text in Wagtail's database format."""
    return {"type": "paragraph", "value": html}


def image(image_id, alt_text="", caption="", credit="", decorative=False):
    """An ``image`` block showing the library image with primary key ``image_id``."""
    return {
        "type": "image",
        "value": {
            "image": image_id,
            "alt_text": alt_text,
            "decorative": decorative,
            "caption": caption,
            "credit": credit,
        },
    }


def callout(html, variant="info"):
    return {"type": "callout", "value": {"variant": variant, "text": html}}


def accordion(items, title="", open_first=False, heading_level=""):
    """An ``accordion`` block; ``items`` are ``(title, body)`` pairs, the body rich text."""
    return {
        "type": "accordion",
        "value": {
            "title": title,
            "items": list_items(
                {"title": item_title, "body": item_body} for item_title, item_body in items
            ),
            "open_first": open_first,
            "heading_level": heading_level,
        },
    }


def link(label, page=None, url=""):
    """A ``LinkBlock`` value: a page id or an outside URL, exactly one of them."""
    return {"label": label, "page": page, "url": url}


def call_to_action(label, page=None, url=""):
    return {"type": "call_to_action", "value": link(label, page=page, url=url)}


def citation(text, publisher="", year=None, url="", doi="", pmid=""):
    """A ``CitationBlock`` value, one entry of a ``references`` block."""
    return {
        "text": text,
        "publisher": publisher,
        "year": year,
        "url": url,
        "doi": doi,
        "pmid": pmid,
    }


def references(*citations):
    return {"type": "references", "value": list_items(citations)}


def list_items(values):
    """A ``ListBlock``'s stored items, each with the stable id frontends key it by."""
    return [{"type": "item", "value": value, "id": str(uuid.uuid4())} for value in values]


def disclaimer(text=""):
    """An empty text shows the site-wide disclaimer from the clinic settings."""
    return {"type": "disclaimer", "value": {"text": text}}


def page_link(page_id, text):
    """An internal link in Wagtail's rich-text format, which survives the page moving.

    For the rich text of a ``paragraph`` or an accordion item's body; ``text`` is HTML.
    """
    return f'<a linktype="page" id="{page_id}">{text}</a>'
