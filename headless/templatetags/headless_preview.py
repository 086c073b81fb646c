"""Template tags of the built-in preview (:mod:`headless.preview`), which renders API JSON.

``{% preview_blocks page.body "articles" %}`` renders each block of a StreamField's JSON with
``articles/preview/blocks/<type>.html`` (context: ``value``, ``block``), or, for a type without
a template, ``headless/preview/block.html``, which shows the block's words. The app that owns
the blocks owns their templates. Each block is wrapped in ``<div data-block-id="<its id>">``,
so the editor can tell which block an element of the preview shows: the Checks panel's issues
(:mod:`articles.live_checks`) and click-to-edit (``preview-edit.js``) both go by it.
"""

import html
import re

from django import template
from django.forms.utils import flatatt
from django.template.loader import select_template
from django.utils.dateparse import parse_date
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe

register = template.Library()

IMAGE_SIZES = "(min-width: 48rem) 48rem, 100vw"
"""The width an image takes in the preview's column (its CSS), for ``sizes``."""

NOT_WORDS = frozenset(["id", "anchor", "meta"])
"""Keys of identifiers, not of words an editor wrote."""

_ADDRESS = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|/)\S*$", re.IGNORECASE)


@register.simple_tag(takes_context=True)
def preview_blocks(context, blocks, app_label, marks=None):
    """Every block of ``blocks`` (a StreamField's API JSON), each by its type's template, in
    its wrapper; ``marks`` maps a block's id to more attributes of its wrapper."""
    marks = marks or {}
    rendered = []
    for block in blocks or ():
        block_template = select_template(
            [f"{app_label}/preview/blocks/{block['type']}.html", "headless/preview/block.html"]
        )
        inner = block_template.render(
            {"block": block, "value": block.get("value")}, context.get("request")
        )
        attributes = {"data-block-id": block.get("id"), **marks.get(block.get("id"), {})}
        rendered.append(format_html("<div{}>{}</div>", flatatt(attributes), inner))
    return mark_safe("".join(rendered))  # each part is a rendered, escaped template


@register.inclusion_tag("headless/preview/image.html")
def preview_image(image, sizes=IMAGE_SIZES):
    """An API image object as ``<picture>``: AVIF and WebP sources, the original's srcset."""
    return {"image": image, "sizes": sizes}


@register.filter
def preview_words(value, skip=""):
    """The words in a value of API JSON, markup stripped, identifiers and addresses left out.

    ``skip`` names top-level keys to leave out too, comma-separated (``"id,meta,title"``).
    """
    skipped = NOT_WORDS | set(filter(None, skip.split(",")))
    if isinstance(value, dict):
        return [
            word
            for key, item in value.items()
            if key not in skipped
            for word in preview_words(item)
        ]
    if isinstance(value, list):
        return [word for item in value for word in preview_words(item)]
    if isinstance(value, str):
        text = " ".join(html.unescape(strip_tags(value)).split())
        return [text] if text and not _ADDRESS.match(text) else []
    return []


@register.filter
def iso_date(value):
    """A ``YYYY-MM-DD`` string of the API as a date, for the ``date`` filter; else None."""
    return parse_date(value) if isinstance(value, str) else None
