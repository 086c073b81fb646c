"""The blocks an editor composes an article body from.

A block's StreamField name (``heading``, ``accordion``, ...) is its ``type`` in the API and is
stable once published: renaming one breaks frontends.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.coreutils import get_supported_content_language_variant

from headless import schema
from headless.blocks import (
    RICH_TEXT_FEATURES,
    ImageChooserBlock,
    ListBlock,
    RichTextBlock,
    StructBlock,
    URLBlock,
    references,
)
from headless.references import image_schema
from home.blocks import BaseLinkBlock
from home.models import ClinicSettings

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
"""A DOI: ``10.``, a registrant code, a slash and a suffix."""
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")


def doi_url(doi):
    """The resolver URL of a DOI, e.g. ``https://doi.org/10.1000/xyz123``."""
    return f"https://doi.org/{doi}"


def pubmed_url(pmid):
    """The PubMed page of a PubMed ID."""
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def citation_link(citation):
    """Where a citation points: its DOI's or PubMed's page, else its URL; and the identifier.

    Returns ``(url or None, (kind, value) or None)``, kind being ``"DOI"`` or ``"PMID"``.
    """
    doi = (citation.get("doi") or "").strip()
    pmid = (citation.get("pmid") or "").strip()
    if doi:
        return doi_url(doi), ("DOI", doi)
    if pmid:
        return pubmed_url(pmid), ("PMID", pmid)
    return citation.get("url") or None, None


def heading_anchor(text, seen):
    """A stable, unique-in-page anchor for a heading; ``seen`` counts anchors given so far."""
    base = slugify(text) or "section"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def heading_number(level):
    """``"h3"`` as 3."""
    return int(level[1:])


class HeadingBlock(StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading (H2)"), ("h3", "Subsection heading (H3)")],
        default="h2",
        help_text="H2 starts a section; H3 a subsection inside it.",
        search_index=False,
    )

    class Meta:
        icon = "title"
        label = "Heading"
        help_text = "A section heading; it appears in the article's table of contents."

    def get_api_representation(self, value, context=None):
        seen = context.setdefault("anchors", {}) if context is not None else {}
        if context is not None:
            # Blocks render in body order: what follows sits under this heading.
            context["heading_level"] = heading_number(value["level"])
        return {
            "text": value["text"],
            "level": value["level"],
            "anchor": heading_anchor(value["text"], seen),
        }

    def api_schema(self, builder):
        return builder.struct_block(self, anchor=schema.STRING)


class ParagraphBlock(RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = "Paragraph"


class ImageBlock(StructBlock):
    """An image with its alt text; one without either is refused at publishing
    (:mod:`articles.accessibility`), not while the draft is written."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe the image for people who cannot see it.",
    )
    decorative = blocks.BooleanBlock(
        required=False,
        help_text="Tick only if the image adds no information; screen readers will skip it.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)
    credit = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Image"

    def get_api_representation(self, value, context=None):
        # The alt text and decorative flag belong to this use of the image: the image object
        # carries them, as every image the API returns does.
        image = value["image"]
        refs = references(context, lambda refs: refs.add_image(image))
        return {
            "image": refs.image_data(image, alt=value["alt_text"], decorative=value["decorative"]),
            "caption": self.child_api_value("caption", value["caption"], context),
            "credit": self.child_api_value("credit", value["credit"], context),
        }

    def api_schema(self, builder):
        return schema.obj(
            {
                "image": schema.nullable(image_schema(builder)),
                "caption": builder.struct_child(self, "caption"),
                "credit": builder.struct_child(self, "credit"),
            }
        )


class CalloutBlock(StructBlock):
    variant = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("tip", "Tip"), ("warning", "Warning")],
        default="info",
        search_index=False,
    )
    text = ParagraphBlock()

    class Meta:
        icon = "warning"
        label = "Callout"
        help_text = "A highlighted note set apart from the text."


class AccordionItemBlock(StructBlock):
    title = blocks.CharBlock(max_length=200, help_text="The question or section title.")
    body = ParagraphBlock()

    class Meta:
        icon = "doc-full"
        label = "Accordion item"


class AccordionBlock(StructBlock):
    title = blocks.CharBlock(
        required=False, max_length=200, help_text="Optional, e.g. 'Frequently asked questions'."
    )
    items = ListBlock(AccordionItemBlock(), min_num=1, label="Items")
    open_first = blocks.BooleanBlock(
        required=False, help_text="Show the first item open when the page loads."
    )
    heading_level = blocks.ChoiceBlock(
        choices=[("2", "H2"), ("3", "H3"), ("4", "H4"), ("5", "H5"), ("6", "H6")],
        required=False,
        help_text="The heading level of the item titles. Leave empty to use one below the "
        "heading before the accordion.",
        search_index=False,
    )

    class Meta:
        icon = "list-ul"
        label = "Accordion"
        help_text = "Collapsible sections, e.g. frequently asked questions."

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        # The WAI-ARIA accordion pattern wraps each item's button in a heading of the level
        # that fits the outline: one below the heading the accordion follows, H2 at the top.
        above = (context or {}).get("heading_level", 1)
        data["heading_level"] = int(value["heading_level"] or min(above + 1, 6))
        return data

    def api_schema(self, builder):
        # heading_level: the editor's choice, else one below the heading before the accordion.
        choices = self.child_blocks["heading_level"].field.choices
        levels = [int(value) for value, _ in choices if value]
        return builder.struct_block(self, heading_level=schema.enum(levels))


class CallToActionBlock(BaseLinkBlock):
    class Meta:
        icon = "link"
        label = "Call to action"
        help_text = "A button, e.g. 'Book a consultation', to a page or an outside address."


class CitationBlock(StructBlock):
    text = blocks.CharBlock(max_length=500, help_text="Authors and title.")
    publisher = blocks.CharBlock(required=False, max_length=200, help_text="Journal or publisher.")
    year = blocks.IntegerBlock(required=False, min_value=1800, max_value=2100)
    url = URLBlock(required=False, label="URL")
    doi = blocks.CharBlock(
        required=False, max_length=200, label="DOI", help_text="e.g. 10.1000/xyz123"
    )
    pmid = blocks.CharBlock(
        required=False, max_length=12, label="PubMed ID", help_text="Digits only."
    )

    class Meta:
        icon = "openquote"
        label = "Citation"

    def clean(self, value):
        value = super().clean(value)
        # A well-formed DOI or PubMed ID is an accessibility rule, checked at publishing
        # (articles.accessibility), so that a draft can keep one being looked up.
        errors = {}
        given = [name for name in ("url", "doi", "pmid") if value.get(name)]
        if len(given) > 1:
            for name in given:
                errors.setdefault(
                    name,
                    ValidationError("Give at most one identifier: a URL, a DOI or a PubMed ID."),
                )
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        data["link"], _ = citation_link(data)
        return data

    def api_schema(self, builder):
        # link: the DOI or PubMed page, else the URL.
        return builder.struct_block(self, link=schema.nullable(schema.URL))


class ReferencesBlock(ListBlock):
    def __init__(self, **kwargs):
        super().__init__(CitationBlock(), **kwargs)

    class Meta:
        icon = "list-ol"
        label = "References"


class DisclaimerBlock(StructBlock):
    text = blocks.TextBlock(
        required=False,
        help_text="Leave empty to use the site-wide medical disclaimer from the clinic settings.",
    )

    class Meta:
        icon = "warning"
        label = "Medical disclaimer"

    def get_api_representation(self, value, context=None):
        text = (value.get("text") or "").strip()
        if not text:
            text = default_disclaimer(
                context.get("request") if context else None,
                context.get("language") if context else None,
            )
        return {"text": text or None, "is_default": not (value.get("text") or "").strip()}

    def api_schema(self, builder):
        # text falls back to the clinic's default disclaimer, is_default says it did; null when
        # the clinic has none either.
        return schema.obj({"text": schema.nullable(schema.STRING), "is_default": schema.BOOLEAN})


def default_disclaimer(request, language=None):
    """The clinic's default disclaimer in the page's language (the default language's when
    the settings are not translated into it)."""
    if request is None:
        return ""
    if language is None or language == get_supported_content_language_variant(
        settings.LANGUAGE_CODE
    ):
        return ClinicSettings.for_request(request).default_disclaimer
    return ClinicSettings.for_request_in(request, language).default_disclaimer


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    callout = CalloutBlock()
    accordion = AccordionBlock()
    call_to_action = CallToActionBlock()
    references = ReferencesBlock()
    disclaimer = DisclaimerBlock()
