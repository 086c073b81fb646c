"""Blocks used site-wide: links in the navigation and footer.

A block's StreamField name is its ``type`` in the API and is stable once published.
"""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from headless import schema
from headless.blocks import PageChooserBlock, StructBlock, URLBlock, references


class BaseLinkBlock(StructBlock):
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


class LinkBlock(BaseLinkBlock):
    """A link of the site's navigation or footer, to the chosen page in the language asked for.

    The context's ``language`` is the language the settings were asked in: a page with a live
    translation in it is linked in it; otherwise the chosen page is, and ``fallback`` says so.
    ``locale`` is the linked page's language (null for an outside URL). The caller collects the
    chosen pages' translations (``References.add_translations``) before loading.
    """

    class Meta:
        icon = "link"
        label = "Link"

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        refs = references(context, lambda refs: refs.add_page(value.get("page")))
        chosen = refs.pages.get(value["page"].pk) if value.get("page") else None
        language = context.get("language") if context else None
        shown = refs.in_language(chosen, language)
        if shown is not chosen:
            data["page"] = refs.page_data(shown)
            data["href"] = data["page"]["path"]
        locale = refs.locale_code(shown.locale_id) if data["page"] else None
        data["locale"] = locale
        data["fallback"] = locale is not None and language is not None and locale != language
        return data

    def api_schema(self, builder):
        return builder.struct_block(
            self,
            href=schema.nullable(schema.STRING),
            locale={
                **schema.nullable(schema.locale()),
                "description": "The linked page's language; null for an outside address.",
            },
            fallback={
                **schema.BOOLEAN,
                "description": "The page has no version in the language asked for: this is "
                "the one the editor chose, in its own language.",
            },
        )
