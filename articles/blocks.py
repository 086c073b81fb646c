"""The blocks an editor composes an article body from.

A block's StreamField name (``heading``, ``accordion``, ...) is its ``type`` in the API and is
stable once published: renaming one breaks frontends.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images import blocks as image_blocks

from cms.representation import References

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "image"]
"""What article prose needs: emphasis, links to pages, documents and URLs, lists, images."""

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")


def references(context, collect):
    """The response's batch loader, or a one-off loader for a value rendered on its own."""
    if context and "references" in context:
        return context["references"]
    refs = References(context.get("request") if context else None)
    collect(refs)
    refs.load()
    return refs


class ImageChooserBlock(image_blocks.ImageChooserBlock):
    def get_api_representation(self, value, context=None):
        return references(context, lambda refs: refs.add_image(value)).image_data(value)


class PageChooserBlock(blocks.PageChooserBlock):
    def get_api_representation(self, value, context=None):
        return references(context, lambda refs: refs.add_page(value)).page_data(value)


def heading_anchor(text, seen):
    """A stable, unique-in-page anchor for a heading; ``seen`` counts anchors given so far."""
    base = slugify(text) or "section"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading (H2)"), ("h3", "Subsection heading (H3)")],
        default="h2",
        help_text="H2 starts a section; H3 a subsection inside it.",
    )

    class Meta:
        icon = "title"
        label = "Heading"
        help_text = "A section heading; it appears in the article's table of contents."

    def get_api_representation(self, value, context=None):
        seen = context.setdefault("anchors", {}) if context is not None else {}
        return {
            "text": value["text"],
            "level": value["level"],
            "anchor": heading_anchor(value["text"], seen),
        }


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = "Paragraph"

    def get_api_representation(self, value, context=None):
        return references(context, lambda refs: refs.add_rich_text(value)).rich_text(value)


class ImageBlock(blocks.StructBlock):
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

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(
                        "Add alt text, or tick 'decorative' if the image adds no information."
                    )
                }
            )
        return value


class CalloutBlock(blocks.StructBlock):
    variant = blocks.ChoiceBlock(
        choices=[("info", "Information"), ("tip", "Tip"), ("warning", "Warning")],
        default="info",
    )
    text = ParagraphBlock()

    class Meta:
        icon = "warning"
        label = "Callout"
        help_text = "A highlighted note set apart from the text."


class AccordionItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200, help_text="The question or section title.")
    body = ParagraphBlock()

    class Meta:
        icon = "doc-full"
        label = "Accordion item"


class AccordionBlock(blocks.StructBlock):
    title = blocks.CharBlock(
        required=False, max_length=200, help_text="Optional, e.g. 'Frequently asked questions'."
    )
    items = blocks.ListBlock(AccordionItemBlock(), min_num=1, label="Items")
    open_first = blocks.BooleanBlock(
        required=False, help_text="Show the first item open when the page loads."
    )

    class Meta:
        icon = "list-ul"
        label = "Accordion"
        help_text = "Collapsible sections, e.g. frequently asked questions."


class LinkBlock(blocks.StructBlock):
    """A labelled link to exactly one target: a page on this site or an outside URL."""

    label = blocks.CharBlock(max_length=80)
    page = PageChooserBlock(required=False, help_text="A page on this site…")
    url = blocks.URLBlock(required=False, help_text="…or an address elsewhere. Choose one.")

    class Meta:
        icon = "link"
        label = "Link"

    def get_api_representation(self, value, context=None):
        data = super().get_api_representation(value, context)
        # One field to link to, whichever target the editor chose.
        data["href"] = data["page"]["path"] if data["page"] else (data["url"] or None)
        return data

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


class CallToActionBlock(LinkBlock):
    class Meta:
        icon = "link"
        label = "Call to action"
        help_text = "A button, e.g. 'Book a consultation', to a page or an outside address."


class CitationBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=500, help_text="Authors and title.")
    publisher = blocks.CharBlock(required=False, max_length=200, help_text="Journal or publisher.")
    year = blocks.IntegerBlock(required=False, min_value=1800, max_value=2100)
    url = blocks.URLBlock(required=False, label="URL")
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
        errors = {}
        doi = (value.get("doi") or "").strip()
        pmid = (value.get("pmid") or "").strip()
        if doi and not DOI_RE.match(doi):
            errors["doi"] = ValidationError(
                "A DOI starts with '10.' then a slash, e.g. 10.1000/xyz123."
            )
        if pmid and not PMID_RE.match(pmid):
            errors["pmid"] = ValidationError("A PubMed ID is a number of up to nine digits.")
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
        doi, pmid = (data.get("doi") or "").strip(), (data.get("pmid") or "").strip()
        data["link"] = (
            f"https://doi.org/{doi}"
            if doi
            else f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
            if pmid
            else data.get("url") or None
        )
        return data


class ReferencesBlock(blocks.ListBlock):
    def __init__(self, **kwargs):
        super().__init__(CitationBlock(), **kwargs)

    class Meta:
        icon = "list-ol"
        label = "References"


class DisclaimerBlock(blocks.StructBlock):
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
            text = default_disclaimer(context.get("request") if context else None)
        return {"text": text, "is_default": not (value.get("text") or "").strip()}


def default_disclaimer(request):
    from home.models import ClinicSettings

    if request is None:
        return ""
    return ClinicSettings.for_request(request).default_disclaimer


class ArticleBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    callout = CalloutBlock()
    accordion = AccordionBlock()
    call_to_action = CallToActionBlock()
    references = ReferencesBlock()
    disclaimer = DisclaimerBlock()
