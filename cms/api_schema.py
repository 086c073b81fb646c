"""A JSON Schema (draft 2020-12) of what the API returns, for frontends to type-check against.

The schema is derived from the code that produces the responses, so it cannot drift far from
them: page types and their fields come from the pages endpoint's own field lists, block values
from each StreamField's block definitions, walked recursively. Where our code shapes a value
itself (a serializer in ``cms.api_fields`` or ``articles.api``, a block that overrides
``get_api_representation``), its schema is declared here, next to the others; anything the
builder meets and cannot describe raises ``ImproperlyConfigured`` rather than being guessed, so a
new field or block fails ``export_api_schema`` and the schema tests until it is declared.

``build_schema()`` returns the document; ``manage.py export_api_schema`` writes it.
"""

from django.core.exceptions import ImproperlyConfigured
from rest_framework import fields as drf
from wagtail import blocks
from wagtail.api.v2 import serializers as wagtail_serializers
from wagtail.contrib.forms.models import FORM_FIELD_CHOICES
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock as WagtailImageChooserBlock
from wagtail.models import Page, get_page_models
from wagtail.snippets.blocks import SnippetChooserBlock

from articles import api as article_fields
from articles import blocks as article_blocks
from home.models import ClinicSettings

from . import api_fields
from .api import PagesEndpoint, api_router
from .representation import RENDITIONS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
URL = {"type": "string", "format": "uri"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}


def ref(name):
    return {"$ref": f"#/$defs/{name}"}


def nullable(schema):
    """``schema`` or null."""
    if set(schema) <= {"type", "format"} and "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        return {**schema, "type": [*types, "null"]} if "null" not in types else schema
    if "enum" in schema:
        return {**schema, "enum": [*schema["enum"], None]}
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties, required=None, **extra):
    """A closed object: no keys but ``properties``; ``required`` defaults to all of them."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties if required is None else required),
        "additionalProperties": False,
        **extra,
    }


def array(items):
    return {"type": "array", "items": items}


# Objects our representations build (cms.representation, articles.api, cms.api)

FOCAL_POINT = obj({"x": INTEGER, "y": INTEGER, "width": INTEGER, "height": INTEGER})

RENDITION = obj({"url": URL, "width": INTEGER, "height": INTEGER})

IMAGE = obj(
    {
        "id": INTEGER,
        "title": STRING,
        "alt": STRING,
        "width": INTEGER,
        "height": INTEGER,
        "url": URL,
        "focal_point": nullable(ref("FocalPoint")),
        "renditions": obj({name: ref("Rendition") for name in RENDITIONS}),
    },
    description="An image with absolute URLs and the named renditions every image carries.",
)

PAGE_REF = obj(
    {
        "id": INTEGER,
        "title": STRING,
        "type": nullable(ref("PageType")),
        "path": nullable(STRING),
    },
    description="A link to a live, public page; a page that is not is null instead.",
)

CLINICIAN = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "credentials": STRING,
        "specialty": STRING,
        "bio": STRING,
        "npi": nullable(STRING),
        "profile_url": nullable(URL),
        "photo": nullable(ref("Image")),
    }
)

CONDITION = obj({"id": INTEGER, "name": STRING, "slug": STRING, "description": STRING})

TREATMENT = obj({**CONDITION["properties"], "regulatory_note": nullable(STRING)})

REDIRECT = obj(
    {
        "old_path": STRING,
        "target": nullable(STRING),
        "is_permanent": BOOLEAN,
        "status_code": {"enum": [301, 302]},
    },
    description="target is a path on this site or an outside URL; null when its page is gone.",
)

ERROR = obj(
    {"message": STRING},
    title="ApiError",  # not "Error", which would shadow the global Error in TypeScript
    description="The body of every 4xx answer.",
)

FORM_FIELD = obj(
    {
        "name": STRING,
        "label": STRING,
        "type": {"enum": [value for value, _ in FORM_FIELD_CHOICES]},
        "required": BOOLEAN,
        "choices": array(STRING),
        "help_text": STRING,
        "default": {"type": ["string", "boolean", "array", "null"], "items": STRING},
        "max_length": nullable(INTEGER),
    },
    description="A contact form field as a frontend renders and pre-validates it.",
)


# Blocks whose API value our code shapes itself. Each entry takes the block and the builder and
# returns the value's schema. A project block that overrides get_api_representation must appear
# here (or inherit from a class that does): the builder refuses to guess.


def _struct_with(**extra):
    """A StructBlock's own value plus the keys its get_api_representation adds."""

    def schema(block, builder):
        value = builder.struct_block(block)
        value["properties"].update(extra)
        value["required"] = list(value["properties"])
        return value

    return schema


BLOCK_SCHEMAS = {
    article_blocks.ImageChooserBlock: lambda block, builder: nullable(ref("Image")),
    article_blocks.PageChooserBlock: lambda block, builder: nullable(ref("PageRef")),
    article_blocks.ParagraphBlock: lambda block, builder: ref("RichTextHTML"),
    article_blocks.HeadingBlock: _struct_with(anchor=STRING),
    # href: the chosen page's path or the URL, whichever the editor gave.
    article_blocks.LinkBlock: _struct_with(href=nullable(STRING)),
    # link: the DOI or PubMed page, else the URL.
    article_blocks.CitationBlock: _struct_with(link=nullable(URL)),
    # text falls back to the clinic's default disclaimer; is_default says it did.
    article_blocks.DisclaimerBlock: lambda block, builder: obj(
        {"text": STRING, "is_default": BOOLEAN}
    ),
}


# Page fields by serializer class: ours, and the Wagtail ones the pages endpoint uses. Each entry
# takes the builder, the page model and the bound serializer field.

SERIALIZER_SCHEMAS = {
    api_fields.ImageField: lambda builder, model, field: nullable(ref("Image")),
    api_fields.RichTextField: lambda builder, model, field: ref("RichTextHTML"),
    api_fields.PagePathField: lambda builder, model, field: STRING,
    api_fields.StreamField: lambda builder, model, field: builder.stream_field(model, field),
    wagtail_serializers.StreamField: lambda builder, model, field: builder.stream_field(
        model, field
    ),
    article_fields.ClinicianField: lambda builder, model, field: nullable(ref("Clinician")),
    article_fields.ConditionsField: lambda builder, model, field: array(ref("Condition")),
    article_fields.TreatmentsField: lambda builder, model, field: array(ref("Treatment")),
    article_fields.TableOfContentsField: lambda builder, model, field: array(ref("TocEntry")),
    # JSON-LD is schema.org's vocabulary, validated by its consumers; here only its envelope.
    article_fields.StructuredDataField: lambda builder, model, field: array(
        {
            "type": "object",
            "required": ["@context", "@type"],
            "properties": {"@context": {"const": "https://schema.org"}, "@type": STRING},
        }
    ),
    # Related and featured articles are article listing items, whatever page holds them.
    article_fields.ArticleListingField: lambda builder, model, field: array(
        ref("articles.ArticlePageListingItem")
    ),
    wagtail_serializers.DetailUrlField: lambda builder, model, field: URL,
    wagtail_serializers.PageHtmlUrlField: lambda builder, model, field: nullable(URL),
    wagtail_serializers.PageLocaleField: lambda builder, model, field: STRING,
    wagtail_serializers.PageParentField: lambda builder, model, field: nullable(ref("NestedPage")),
    wagtail_serializers.PageAliasOfField: lambda builder, model, field: nullable(ref("NestedPage")),
    wagtail_serializers.PageTypeField: lambda builder, model, field: {"const": model._meta.label},
    wagtail_serializers.RichTextFieldSerializer: lambda builder, model, field: STRING,
    wagtail_serializers.TagsField: lambda builder, model, field: array(STRING),
}

# Page fields whose value no serializer class describes: properties and generic read-only fields,
# keyed by page type label and field name.

PAGE_FIELD_SCHEMAS = {
    "contact.ContactPage": {
        "fields": array(ref("FormField")),
        "submit_url": URL,
        "honeypot_field": nullable(STRING),
    },
}

# Plain Django REST framework fields, most specific first.

DRF_SCHEMAS = [
    (drf.BooleanField, BOOLEAN),
    (drf.IntegerField, INTEGER),
    (drf.FloatField, {"type": "number"}),
    (drf.DateTimeField, DATE_TIME),
    (drf.DateField, DATE),
    (drf.URLField, {"type": "string"}),  # blank=True model fields give "", not a URI
    (drf.CharField, STRING),
]


class SchemaBuilder:
    """Collects the ``$defs`` of one schema document; see :func:`build_schema`."""

    def __init__(self, endpoint=PagesEndpoint, router=api_router):
        self.endpoint = endpoint
        self.router = router
        self.defs = {}

    def define(self, name, schema):
        """Add a definition and return a reference to it; one name means one schema."""
        if name in self.defs and self.defs[name] != schema:
            raise ImproperlyConfigured(
                f"Two different API schemas are both named {name!r}: give one block class "
                "another name, or describe it in cms.api_schema.BLOCK_SCHEMAS."
            )
        self.defs[name] = schema
        return ref(name)

    # Blocks

    def block(self, block):
        """The schema of ``block.get_api_representation(value)``."""
        for cls in type(block).__mro__:
            if cls in BLOCK_SCHEMAS:
                return self._named(block, BLOCK_SCHEMAS[cls](block, self))
            if "get_api_representation" in vars(cls) and not _is_wagtail(cls):
                raise ImproperlyConfigured(
                    f"{cls.__module__}.{cls.__qualname__} overrides get_api_representation: "
                    "declare its value's schema in cms.api_schema.BLOCK_SCHEMAS."
                )
        return self._named(block, self._stock_block(block))

    def _named(self, block, schema):
        """Project block classes that hold other blocks get a definition of their own."""
        cls = type(block)
        if _is_wagtail(cls) or not isinstance(
            block, blocks.StructBlock | blocks.ListBlock | blocks.StreamBlock
        ):
            return schema
        return self.define(cls.__name__, schema)

    def _stock_block(self, block):
        if isinstance(block, blocks.StructBlock):
            return self.struct_block(block)
        if isinstance(block, blocks.ListBlock):
            return array(self.block(block.child_block))
        if isinstance(block, blocks.StreamBlock):
            return self.stream_block(block)
        if isinstance(block, blocks.StaticBlock):
            return {"type": "null"}
        optional = not block.required
        if isinstance(block, blocks.RichTextBlock):
            return STRING
        if isinstance(block, blocks.BooleanBlock):
            return BOOLEAN
        if isinstance(block, blocks.IntegerBlock):
            return nullable(INTEGER) if optional else INTEGER
        if isinstance(block, blocks.FloatBlock):
            return nullable({"type": "number"}) if optional else {"type": "number"}
        if isinstance(block, blocks.MultipleChoiceBlock):
            return array({"enum": _choice_values(block)})
        if isinstance(block, blocks.ChoiceBlock):
            values = _choice_values(block)
            return {"enum": [*values, ""] if optional and "" not in values else values}
        if isinstance(block, blocks.DateTimeBlock):
            return nullable(DATE_TIME) if optional else DATE_TIME
        if isinstance(block, blocks.DateBlock):
            return nullable(DATE) if optional else DATE
        if isinstance(block, blocks.CharBlock | blocks.TextBlock | blocks.URLBlock):
            return STRING  # includes EmailBlock and RegexBlock; empty optional values are ""
        if isinstance(
            block,
            WagtailImageChooserBlock
            | DocumentChooserBlock
            | SnippetChooserBlock
            | blocks.PageChooserBlock,
        ):
            return nullable(INTEGER)  # Wagtail's own choosers give the chosen object's id
        raise ImproperlyConfigured(
            f"No API schema for {type(block).__module__}.{type(block).__qualname__}: "
            "declare it in cms.api_schema.BLOCK_SCHEMAS."
        )

    def struct_block(self, block):
        return obj({name: self.block(child) for name, child in block.child_blocks.items()})

    def stream_block(self, block):
        """A stream as ``[{type, id, value}]``, one ``StreamItem_<type>`` per child block."""
        items = []
        for name, child in block.child_blocks.items():
            item = obj({"type": {"const": name}, "id": STRING, "value": self.block(child)})
            items.append(self.define(f"StreamItem_{name}", item))
        return array({"oneOf": items})

    def stream_field(self, model, field):
        return self.block(model._meta.get_field(field.source).stream_block)

    # Pages

    def page_types(self):
        """Every page model the API can return, the base Page last."""
        models = [model for model in get_page_models() if model is not Page]
        return sorted(models, key=lambda model: model._meta.label) + [Page]

    def page(self, model, detail):
        """A page in a detail response, or as a listing item of ``?type=<model>``.

        Its properties are every field ``?fields=`` can ask for; the required ones are those
        the endpoint returns by default.
        """
        serializer_class = self.endpoint._get_serializer_class(
            self.router, model, [("*", False, None)], show_details=detail
        )
        serializer = serializer_class(context={})
        if detail:
            defaults = set(self.endpoint.get_detail_default_fields(model))
        else:
            defaults = set(self.endpoint.get_listing_default_fields(model))
        body, meta = {}, {}
        for name, field in serializer.fields.items():
            schema = self.page_field(model, name, field)
            (meta if name in serializer_class.meta_fields else body)[name] = schema
        meta_schema = obj(meta, [name for name in meta if name in defaults])
        properties = {"id": body.pop("id"), "meta": meta_schema, **body}
        required = ["id", "meta", *(name for name in body if name in defaults)]
        return obj(properties, required)

    def page_field(self, model, name, field):
        overrides = PAGE_FIELD_SCHEMAS.get(model._meta.label, {})
        if name in overrides:
            return overrides[name]
        if name == "type" and model is Page:
            return ref("PageType")  # the base listing holds pages of every type
        for cls in type(field).__mro__:
            if cls in SERIALIZER_SCHEMAS:
                return SERIALIZER_SCHEMAS[cls](self, model, field)
        for cls, schema in DRF_SCHEMAS:
            if isinstance(field, cls):
                return nullable(schema) if field.allow_null else schema
        if isinstance(field, drf.ChoiceField):
            values = list(field.choices)
            return {"enum": [*values, None]} if field.allow_null else {"enum": values}
        raise ImproperlyConfigured(
            f"No API schema for {model._meta.label}.{name} ({type(field).__name__}): "
            "declare it in cms.api_schema.PAGE_FIELD_SCHEMAS or SERIALIZER_SCHEMAS."
        )

    # The document

    def site_settings(self):
        def links(field_name):
            stream_block = ClinicSettings._meta.get_field(field_name).stream_block
            values = [self.block(child) for child in stream_block.child_blocks.values()]
            return array(values[0] if len(values) == 1 else {"anyOf": values})

        return obj(
            {
                "clinic_name": STRING,
                "phone": STRING,
                "email": STRING,
                "address": STRING,
                "main_navigation": links("main_navigation"),
                "footer_links": links("footer_links"),
                "default_disclaimer": STRING,
                "site": obj({"hostname": STRING, "name": STRING}),
            },
            description="GET /api/v2/site/: what every page of the frontend shows.",
        )

    def build(self):
        page_types = self.page_types()
        defs = {
            "RichTextHTML": {
                "type": "string",
                "contentMediaType": "text/html",
                "description": "Frontend-ready HTML: real links and images, no Wagtail markup.",
            },
            "FocalPoint": FOCAL_POINT,
            "Rendition": RENDITION,
            "Image": IMAGE,
            "PageType": {"enum": [model._meta.label for model in page_types]},
            "PageRef": PAGE_REF,
            "Clinician": CLINICIAN,
            "Condition": CONDITION,
            "Treatment": TREATMENT,
            "FormField": FORM_FIELD,
            "Redirect": REDIRECT,
            "Error": ERROR,
            "ListingMeta": obj({"total_count": INTEGER}),
            "NestedPage": obj(
                {
                    "id": INTEGER,
                    "meta": obj(
                        {"type": ref("PageType"), "detail_url": URL, "html_url": nullable(URL)}
                    ),
                    "title": STRING,
                },
                description="A page's parent or alias_of, asked for with ?fields=.",
            ),
        }
        for name, schema in defs.items():
            self.define(name, schema)

        heading_level = self.block(article_blocks.HeadingBlock().child_blocks["level"])
        self.define("TocEntry", obj({"anchor": STRING, "text": STRING, "level": heading_level}))

        # Keys name the page type as the API does (meta.type); titles are the names that type
        # generators such as json-schema-to-typescript give the definitions.
        details, listings = [], []
        for model in page_types:
            label, name = model._meta.label, model.__name__
            if model is not Page:
                schema = {"title": f"{name}Detail", **self.page(model, detail=True)}
                details.append(self.define(f"{label}Detail", schema))
            schema = {"title": f"{name}ListingItem", **self.page(model, detail=False)}
            self.define(f"{label}ListingItem", schema)
            listing = obj(
                {"meta": ref("ListingMeta"), "items": array(ref(f"{label}ListingItem"))},
                title=f"{name}Listing",
                description=(
                    "GET /api/v2/pages/ (every type)"
                    if model is Page
                    else f"GET /api/v2/pages/?type={label}"
                ),
            )
            listings.append(self.define(f"{label}Listing", listing))
        self.define(
            "PageDetail",
            {"oneOf": details, "description": "GET /api/v2/pages/<id>/, told apart by meta.type"},
        )
        self.define("SiteSettings", self.site_settings())
        self.define(
            "RedirectListing",
            obj(
                {"meta": ref("ListingMeta"), "items": array(ref("Redirect"))},
                description="GET /api/v2/redirects/",
            ),
        )
        self.define(
            "FindResult",
            {
                "oneOf": [ref("PageDetail"), obj({"redirect": ref("Redirect")})],
                "description": "GET /api/v2/pages/find/?html_path=: the page, or its redirect.",
            },
        )
        responses = ["PageDetail", "FindResult", "SiteSettings", "RedirectListing", "Error"]
        return {
            "$schema": DIALECT,
            "$id": "urn:painclinic-cms:api:v2",
            "title": "PainClinicApi",
            "description": (
                "Responses of the CMS API at /api/v2/. Each $defs entry is one response or a "
                "part of one; a frontend validates or generates types from them."
            ),
            "anyOf": [*(ref(name) for name in responses), *listings],
            "$defs": dict(sorted(self.defs.items())),
        }


def _is_wagtail(cls):
    return cls.__module__.split(".")[0] == "wagtail"


def _choice_values(block):
    return [str(value) for value, _ in block.field.choices if value != ""]


def build_schema():
    """The whole schema document as a dict, ready for ``json.dumps``."""
    return SchemaBuilder().build()
