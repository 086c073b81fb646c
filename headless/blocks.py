"""Block primitives whose API value is frontend-ready, for the apps' StreamFields.

Each block's ``get_api_representation`` renders through the response's
:class:`~headless.references.References` (in the context as ``references``) and declares its
value's schema in ``api_schema``. A block rendered on its own, outside an API response, gets
a one-off loader.

Absent optional values are null, never ``""``: every struct block of the project derives from
:class:`StructBlock`, which gives an optional child left empty as null, and the schema builder
refuses a plain Wagtail StructBlock, whose empty values would be ``""``.
"""

import copy

from wagtail import blocks
from wagtail.images import blocks as image_blocks

from . import schema
from .pages import unordered
from .references import References, image_schema, page_ref_schema, rich_text_schema
from .safe_urls import is_safe_url, validate_rich_text_links, validate_safe_url

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "image"]
"""What prose needs, and what :class:`~headless.references.References` renders as frontend
HTML: emphasis, links to pages, documents and URLs, lists, images. Every rich text field and
block an editor writes in uses them."""


def references(context, collect):
    """The response's batch loader, or a one-off loader for a value rendered on its own."""
    if context and "references" in context:
        return context["references"]
    refs = References(context.get("request") if context else None)
    collect(refs)
    refs.load()
    return refs


class ImageChooserBlock(image_blocks.ImageChooserBlock):
    """An image as the object every image in the API is, or null."""

    def get_api_representation(self, value, context=None):
        return references(context, lambda refs: refs.add_image(value)).image_data(value)

    def api_schema(self, builder):
        return schema.nullable(image_schema(builder))


class StructBlock(blocks.StructBlock):
    """A StructBlock whose optional children an editor left empty are null in the API.

    Only an empty value becomes null (an optional CharBlock, URLBlock or ChoiceBlock left
    blank); required children, an unticked checkbox (false) and values that are already null
    (an empty number, chooser or date) are as their blocks give them. ``api_schema`` says so
    (:meth:`headless.schema_builder.SchemaBuilder.struct_block`).
    """

    def get_api_representation(self, value, context=None):
        return {name: self.child_api_value(name, child, context) for name, child in value.items()}

    def child_api_value(self, name, value, context=None):
        """The API value of child ``name``: its block's, or null for an optional one left empty."""
        block = self.child_blocks[name]
        data = block.get_api_representation(value, context=context)
        return None if data == "" and not block.required else data

    def api_schema(self, builder):
        return builder.struct_block(self)


class ListBlock(blocks.ListBlock):
    """A list of struct values, each with the stable ``id`` Wagtail gives list items.

    Frontends key the items by it (React's ``key``). The items' schema is the child's, with
    ``id``, named after the child block class.
    """

    def get_api_representation(self, value, context=None):
        return [
            {"id": item.id, **self.child_block.get_api_representation(item.value, context)}
            for item in value.bound_blocks
        ]

    def api_schema(self, builder):
        child = self.child_block
        item = child.api_schema(builder) if hasattr(child, "api_schema") else None
        item = item or builder.struct_block(child)
        item = {
            **item,
            "properties": {"id": schema.STRING, **item["properties"]},
            "required": ["id", *item["required"]],
        }
        return schema.array(builder.define(type(child).__name__, item))


class PageChooserBlock(blocks.PageChooserBlock):
    """A chosen page as ``{id, title, type, path}``, or null when visitors cannot see it."""

    def bulk_to_python(self, values):
        # As Wagtail's, in one query, without the order by path treebeard gives every page
        # query: the pages come back in the order of ``values``, a repeated one as a copy.
        pages = unordered(self.model_class.objects.all()).in_bulk(values)
        chosen, seen = [], set()
        for pk in values:
            page = pages.get(pk)
            chosen.append(copy.copy(page) if page is not None and pk in seen else page)
            seen.add(pk)
        return chosen

    def get_api_representation(self, value, context=None):
        return references(context, lambda refs: refs.add_page(value)).page_data(value)

    def api_schema(self, builder):
        return schema.nullable(page_ref_schema(builder))


class URLBlock(blocks.URLBlock):
    """A URL an editor enters: only a safe one (:mod:`headless.safe_urls`) is accepted, and
    only a safe one is served; an unsafe one stored before is null in the API."""

    def __init__(self, *args, validators=(), **kwargs):
        super().__init__(*args, validators=[*validators, validate_safe_url], **kwargs)

    def get_api_representation(self, value, context=None):
        return value if is_safe_url(value) else None

    def api_schema(self, builder):
        # An optional one is nullable already: StructBlock gives it null when left empty.
        return schema.STRING if not self.required else schema.nullable(schema.STRING)


class RichTextBlock(blocks.RichTextBlock):
    """Rich text as frontend HTML: real links and images, no Wagtail markup; a link to an
    unsafe URL (:mod:`headless.safe_urls`) is refused, and served as plain text."""

    def clean(self, value):
        # Before Wagtail's own cleaning, which drops some unsafe links without a word.
        validate_rich_text_links(value)
        return super().clean(value)

    def get_api_representation(self, value, context=None):
        return references(context, lambda refs: refs.add_rich_text(value)).rich_text(value)

    def api_schema(self, builder):
        return rich_text_schema(builder)
