"""A JSON Schema (draft 2020-12) of what the API returns, for frontends to type-check against.

The schema is derived from the code that produces the responses, so it cannot drift far from
them. Page types and their fields come from the pages endpoint's own field lists, block values
from each StreamField's block definitions, walked recursively, and the other responses from
their endpoints. A value our code shapes itself declares its schema beside that code, with an
``api_schema`` method (see :mod:`headless.schema`). Anything the builder meets and cannot
describe raises ``ImproperlyConfigured`` rather than being guessed, so a new field or block fails
``export_api_schema`` and the schema tests until it says what it returns.
"""

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from rest_framework import fields as drf
from wagtail import blocks
from wagtail.api.v2 import serializers as wagtail_serializers
from wagtail.documents.api.v2.serializers import DocumentDownloadUrlField
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.fields import RichTextField
from wagtail.images.api.v2.serializers import ImageDownloadUrlField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, get_page_models
from wagtail.snippets.blocks import SnippetChooserBlock

from . import openapi
from .fields import is_optional_text
from .schema import (
    BOOLEAN,
    DATE,
    DATE_TIME,
    DIALECT,
    INTEGER,
    STRING,
    URL,
    array,
    discriminated,
    enum,
    listing,
    nullable,
    obj,
    ref,
)

# Wagtail's own page serializer fields, which the pages endpoint uses. Each takes the builder
# and the page model.

WAGTAIL_FIELD_SCHEMAS = {
    wagtail_serializers.StreamField: lambda builder, model, field: builder.block(
        model._meta.get_field(field.source).stream_block
    ),
    wagtail_serializers.DetailUrlField: lambda builder, model, field: URL,
    wagtail_serializers.PageHtmlUrlField: lambda builder, model, field: nullable(URL),
    wagtail_serializers.PageLocaleField: lambda builder, model, field: STRING,
    wagtail_serializers.PageParentField: lambda builder, model, field: nullable(
        builder.nested_page()
    ),
    wagtail_serializers.PageAliasOfField: lambda builder, model, field: nullable(
        builder.nested_page()
    ),
    wagtail_serializers.PageTypeField: lambda builder, model, field: {"const": model._meta.label},
    wagtail_serializers.RichTextFieldSerializer: lambda builder, model, field: STRING,
    wagtail_serializers.TagsField: lambda builder, model, field: array(STRING),
    wagtail_serializers.TypeField: lambda builder, model, field: {"const": model._meta.label},
    # The image's file as its storage names it: a path on this host, or the bucket's URL.
    ImageDownloadUrlField: lambda builder, model, field: STRING,
    DocumentDownloadUrlField: lambda builder, model, field: URL,
}

# What a ?<field>= filter takes, by model field type; other fields take text.

DB_FIELD_SCHEMAS = {
    "AutoField": INTEGER,
    "BigAutoField": INTEGER,
    "IntegerField": INTEGER,
    "PositiveIntegerField": INTEGER,
    "BooleanField": BOOLEAN,
    "ForeignKey": INTEGER,
}

# What headless.fields.field_value gives of a model field, by type, most specific first.

MODEL_FIELD_SCHEMAS = [
    (models.URLField, URL),
    (models.CharField, STRING),
    (models.TextField, STRING),
    (models.BooleanField, BOOLEAN),
    (models.IntegerField, INTEGER),
    (models.DateTimeField, DATE_TIME),
    (models.DateField, DATE),
]

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
    """Collects the schemas of the API from the endpoints of ``router``, for two documents.

    Each endpoint's ``api_operations(builder, path)`` says what it answers; ``operations`` adds
    views outside the router, ``webhooks`` the events the CMS sends. :meth:`build` gives the
    JSON Schema of every response, :meth:`build_openapi` the OpenAPI 3.1 document of the same
    definitions. ``pages`` names the endpoint whose serializers describe page types.
    """

    def __init__(
        self,
        router,
        pages="pages",
        prefix="/api/v2/",
        operations=None,
        webhooks=None,
        version="0.0.0",
        tags=None,
    ):
        self.router = router
        # The contract's semantic version, info.version of the OpenAPI document.
        self.version = version
        self.pages_endpoint = router._endpoints[pages]
        self.prefix = prefix
        # Views outside the router: {path under prefix: api_operations(builder, path)}.
        self.other_operations = operations or {}
        # webhooks(builder) -> the OpenAPI ``webhooks`` mapping, defining the payloads.
        self.webhooks = webhooks or (lambda builder: {})
        # {tag: description}: the OpenAPI document's tags, in this order.
        self.tags = tags or {}
        self.defs = {}

    def define(self, name, schema):
        """Add a definition and return a reference to it; one name means one schema."""
        if name in self.defs and self.defs[name] != schema:
            raise ImproperlyConfigured(
                f"Two different API schemas are both named {name!r}: give one block class "
                "another name, or describe it with its own api_schema."
            )
        self.defs[name] = schema
        return ref(name)

    # Blocks

    def block(self, block):
        """The schema of ``block.get_api_representation(value)``."""
        for cls in type(block).__mro__:
            if "api_schema" in vars(cls):
                return self._named(block, block.api_schema(self))
            if "get_api_representation" in vars(cls) and not _is_wagtail(cls):
                raise ImproperlyConfigured(
                    f"{cls.__module__}.{cls.__qualname__} overrides get_api_representation: "
                    "give it an api_schema(builder) method describing its value."
                )
        return self._named(block, self._stock_block(block))

    def _named(self, block, schema):
        """Project block classes that hold other blocks get a definition of their own."""
        cls = type(block)
        if _is_generic(cls) or not isinstance(
            block, blocks.StructBlock | blocks.ListBlock | blocks.StreamBlock
        ):
            return schema
        return self.define(cls.__name__, schema)

    def _stock_block(self, block):
        if isinstance(block, blocks.StructBlock):
            raise ImproperlyConfigured(
                f"{type(block).__module__}.{type(block).__qualname__} is a plain Wagtail "
                'StructBlock, whose optional values left empty would be "": derive it from '
                "headless.blocks.StructBlock, which gives them as null."
            )
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
            return array(enum(_choice_values(block)))
        if isinstance(block, blocks.ChoiceBlock):
            values = _choice_values(block)
            return enum([*values, ""] if optional and "" not in values else values)
        if isinstance(block, blocks.DateTimeBlock):
            return nullable(DATE_TIME) if optional else DATE_TIME
        if isinstance(block, blocks.DateBlock):
            return nullable(DATE) if optional else DATE
        if isinstance(block, blocks.CharBlock | blocks.TextBlock | blocks.URLBlock):
            # Includes EmailBlock and RegexBlock. An optional one left empty gives "", which
            # headless.blocks.StructBlock turns into null (struct_child).
            return STRING
        if isinstance(
            block,
            ImageChooserBlock
            | DocumentChooserBlock
            | SnippetChooserBlock
            | blocks.PageChooserBlock,
        ):
            return nullable(INTEGER)  # Wagtail's own choosers give the chosen object's id
        raise ImproperlyConfigured(
            f"No API schema for {type(block).__module__}.{type(block).__qualname__}: "
            "give it an api_schema(builder) method."
        )

    def struct_block(self, block, **extra):
        """A :class:`headless.blocks.StructBlock`'s value, plus ``extra`` keys its
        get_api_representation adds (or replaces)."""
        properties = {name: self.struct_child(block, name) for name in block.child_blocks}
        return obj({**properties, **extra})

    def struct_child(self, block, name):
        """The schema of ``block.child_api_value(name, ...)``: null for an optional child left
        empty, instead of the ``""`` its own block gives."""
        child = block.child_blocks[name]
        schema = self.block(child)
        return schema if child.required else self.blank_as_null(schema)

    def blank_as_null(self, schema):
        """``schema`` of a value whose empty string is given as null instead."""
        target = self.defs[schema["$ref"].rsplit("/", 1)[-1]] if "$ref" in schema else schema
        if "enum" in target and "$ref" not in schema:
            return enum([*(value for value in schema["enum"] if value != ""), None])
        types = target.get("type", [])
        if "string" in (types if isinstance(types, list) else [types]):
            return nullable(schema)
        return schema

    # Model fields

    def model_field(self, model, name):
        """The schema of :func:`headless.fields.field_value` for field ``name`` of ``model``
        (a class or an ``"app.Model"`` label): text an editor may leave blank is nullable."""
        if isinstance(model, str):
            model = apps.get_model(model)
        field = model._meta.get_field(name)
        if isinstance(field, RichTextField):
            raise ImproperlyConfigured(
                f"{model._meta.label}.{name} is rich text: serve it with headless.fields."
                "RichTextField, which gives frontend HTML."
            )
        for cls, schema in MODEL_FIELD_SCHEMAS:
            if isinstance(field, cls):
                return nullable(schema) if field.null or is_optional_text(field) else schema
        raise ImproperlyConfigured(
            f"No API schema for {model._meta.label}.{name} ({type(field).__name__})."
        )

    def model_fields(self, model, names):
        """``{name: schema}`` of :func:`headless.fields.model_values` for ``names``."""
        return {name: self.model_field(model, name) for name in names}

    def stream_block(self, block):
        """A stream as ``[{type, id, value}]``, one ``StreamItem_<type>`` per child block."""
        items = {}
        for name, child in block.child_blocks.items():
            item = obj({"type": {"const": name}, "id": STRING, "value": self.block(child)})
            items[name] = self.define(f"StreamItem_{name}", item)
        return array(discriminated(items))

    # Pages

    def page_types(self):
        """Every page model the API can return, the base Page last."""
        models = [model for model in get_page_models() if model is not Page]
        return sorted(models, key=lambda model: model._meta.label) + [Page]

    def nested_page(self):
        return self.define(
            "NestedPage",
            obj(
                {
                    "id": INTEGER,
                    "meta": obj(
                        {"type": ref("PageType"), "detail_url": URL, "html_url": nullable(URL)}
                    ),
                    "title": STRING,
                },
                description="A page's parent or alias_of, asked for with ?fields=.",
            ),
        )

    def page(self, model, detail):
        """A page in a detail response, or as a listing item of ``?type=<model>``."""
        return self.record(self.pages_endpoint, model, detail)

    def record(self, endpoint, model, detail):
        """What ``endpoint`` answers for one ``model`` object, in a detail or a listing.

        Its properties are every field ``?fields=`` can ask for; the required ones are those
        the endpoint returns by default.
        """
        serializer_class = endpoint._get_serializer_class(
            self.router, model, [("*", False, None)], show_details=detail
        )
        serializer = serializer_class(context={})
        if detail:
            defaults = set(endpoint.get_detail_default_fields(model))
        else:
            defaults = set(endpoint.get_listing_default_fields(model))
        body, meta = {}, {}
        for name, field in serializer.fields.items():
            schema = self.page_field(model, name, field)
            (meta if name in serializer_class.meta_fields else body)[name] = schema
        meta_schema = obj(meta, [name for name in meta if name in defaults])
        properties = {"id": body.pop("id"), "meta": meta_schema, **body}
        required = ["id", "meta", *(name for name in body if name in defaults)]
        return obj(properties, required)

    def page_field(self, model, name, field):
        if name == "type" and model is Page:
            return ref("PageType")  # the base listing holds pages of every type
        if hasattr(field, "api_schema"):
            return field.api_schema(self, model)
        for cls in type(field).__mro__:
            if cls in WAGTAIL_FIELD_SCHEMAS:
                return WAGTAIL_FIELD_SCHEMAS[cls](self, model, field)
        for cls, schema in DRF_SCHEMAS:
            if isinstance(field, cls):
                return nullable(schema) if field.allow_null else schema
        if isinstance(field, drf.ChoiceField):
            values = list(field.choices)
            return enum([*values, None] if field.allow_null else values)
        raise ImproperlyConfigured(
            f"No API schema for {model._meta.label}.{name} ({type(field).__name__}): "
            "use a serializer field with an api_schema(builder, model) method."
        )

    def page_responses(self):
        """Every page type's detail and listing; returns (the PageDetail ref, listing refs)."""
        page_types = self.page_types()
        self.define("PageType", enum([model._meta.label for model in page_types]))
        # Keys name the page type as the API does (meta.type); titles are the names that type
        # generators such as json-schema-to-typescript give the definitions.
        details, listings = [], []
        for model in page_types:
            label, name = model._meta.label, model.__name__
            if model is not Page:
                schema = {"title": f"{name}Detail", **self.page(model, detail=True)}
                details.append(self.define(f"{label}Detail", schema))
            schema = {"title": f"{name}ListingItem", **self.page(model, detail=False)}
            item = self.define(f"{label}ListingItem", schema)
            listings.append(
                listing(
                    self,
                    f"{label}Listing",
                    item,
                    title=f"{name}Listing",
                    description=(
                        "GET /api/v2/pages/ (every type)"
                        if model is Page
                        else f"GET /api/v2/pages/?type={label}"
                    ),
                )
            )
        detail = self.define(
            "PageDetail",
            {"oneOf": details, "description": "GET /api/v2/pages/<id>/, told apart by meta.type"},
        )
        return detail, listings

    def record_responses(self, endpoint, title):
        """The detail and listing of a stock Wagtail endpoint of one model (images, documents).

        Returns (the detail ref, the listing ref); ``title`` names their TypeScript types.
        """
        model = endpoint.model
        label = model._meta.label
        detail = {"title": f"{title}Detail", **self.record(endpoint, model, detail=True)}
        item = {"title": f"{title}ListingItem", **self.record(endpoint, model, detail=False)}
        detail_ref = self.define(f"{label}Detail", detail)
        item_ref = self.define(f"{label}ListingItem", item)
        return detail_ref, listing(self, f"{label}Listing", item_ref, title=f"{title}Listing")

    def field_filters(self, endpoint, model, noun):
        """The ``?<field>=<value>`` filters Wagtail's FieldsFilter accepts on ``model``."""
        parameters = []
        known = endpoint.known_query_parameters
        for name in endpoint.get_available_fields(model, db_fields_only=True):
            if name in known:
                continue
            field = model._meta.get_field(name)
            value = DB_FIELD_SCHEMAS.get(field.get_internal_type(), STRING)
            parameters.append(openapi.query(name, value, f"Only {noun} whose {name} is this."))
        return parameters

    # The documents

    def paths(self):
        """Every operation, ``{path: {method: operation}}``: the router's and the others'."""
        declared = []
        for name, endpoint in self.router._endpoints.items():
            if not hasattr(endpoint, "api_operations"):
                raise ImproperlyConfigured(
                    f"{endpoint.__module__}.{endpoint.__qualname__} has no api_operations"
                    "(builder, path) classmethod describing what it answers."
                )
            declared.append((f"{self.prefix}{name}/", endpoint.api_operations))
        declared += [(self.prefix + path, api) for path, api in self.other_operations.items()]
        paths = {}
        for prefix, api_operations in declared:
            for path, methods in api_operations(self, prefix).items():
                paths.setdefault(path, {}).update(methods)
        return paths

    def build(self):
        """The JSON Schema document: every response's body in ``anyOf``, parts in ``$defs``."""
        responses = []
        for methods in self.paths().values():
            for operation in methods.values():
                for response in operation["responses"].values():
                    body = response.get("content", {}).get(openapi.JSON, {}).get("schema")
                    if body is not None and body not in responses:
                        responses.append(body)
        self.webhooks(self)  # their payloads are in $defs, though no response
        return {
            "$schema": DIALECT,
            "$id": "urn:painclinic-cms:api:v2",
            "title": "PainClinicApi",
            "description": (
                "Responses of the CMS API at /api/v2/, and the webhook events it sends. Each "
                "$defs entry is one response, one event or a part of one; a frontend validates "
                "or generates types from them."
            ),
            "anyOf": responses,
            "$defs": dict(sorted(self.defs.items())),
        }

    def build_openapi(self):
        """The OpenAPI 3.1 document of the same registry: paths, webhooks, components."""
        paths = self.paths()
        return openapi.document(
            self.defs,
            paths,
            self.webhooks(self),
            info={
                "title": "Pain clinic CMS API",
                "version": self.version,
                "description": (
                    "The headless CMS's read API at /api/v2/, its contact form submissions and "
                    "the signed webhook events it POSTs to frontends. Human-readable at "
                    "/api/v2/docs/; the JSON Schema of the same responses is written by "
                    "`manage.py export_api_schema`."
                ),
            },
            tag_descriptions=self.tags,
        )


def _is_wagtail(cls):
    return cls.__module__.split(".")[0] == "wagtail"


def _is_generic(cls):
    """Wagtail's block classes and headless's primitives: named by what uses them."""
    return cls.__module__.split(".")[0] in ("wagtail", "headless")


def _choice_values(block):
    return [str(value) for value, _ in block.field.choices if value != ""]
