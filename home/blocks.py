"""Blocks used site-wide: links in the navigation and footer.

A block's StreamField name is its ``type`` in the API and is stable once published.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from headless import schema
from headless.blocks import PageChooserBlock, StructBlock, URLBlock


class LinkBlock(StructBlock):
    """A labelled link to exactly one target: a page on this site or an outside URL."""

    label = blocks.CharBlock(max_length=80)
    page = PageChooserBlock(required=False, help_text="A page on this site…")
    url = URLBlock(required=False, help_text="…or an address elsewhere. Choose one.")

    class Meta:
        icon = "link"
        label = "Link"

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        # One field to link to, whichever target the editor chose.
        data["href"] = data["page"]["path"] if data["page"] else data["url"]
        return data

    def api_schema(self, builder):
        # href: the chosen page's path or the URL, whichever the editor gave.
        return builder.struct_block(self, href=schema.nullable(schema.STRING))

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = (
                "Choose either a page or a URL, not both."
                if value.get("page")
                else "Choose a page or enter a URL."
            )
            raise StructBlockValidationError(
                block_errors={"page": ValidationError(message), "url": ValidationError(message)}
            )
        return value
