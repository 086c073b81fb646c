"""API serializer fields for page types, each with the schema of the value it returns.

Each reads the response's :class:`~headless.references.References` from the serializer
context, which the pages endpoint fills and loads before serializing. ``api_schema(builder,
model)`` describes the value for :mod:`headless.schema`.

Absent optional values are null, never ``""``: text an editor may leave blank
(:func:`is_optional_text`) is null when it is, whether a page serializer gives it
(:class:`OptionalTextField`, :class:`BlankAsNullMixin`) or an answer built from a snippet or a
setting (:func:`field_value`, :func:`model_values`). The schema builder's ``model_field`` says
the same of each.
"""

from django.apps import apps
from django.db import models
from rest_framework import serializers
from wagtail import fields as wagtail_fields
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue

from . import schema
from .references import image_of, image_schema, rich_text_schema
from .safe_urls import is_safe_url


def is_optional_text(model_field):
    """Whether ``model_field`` holds text an editor may leave empty (``blank=True``)."""
    return isinstance(model_field, models.CharField | models.TextField) and model_field.blank


def field_value(instance, name):
    """The value of ``instance``'s model field ``name`` in the API: null for blank text, and
    for a URL the safe-URL rule refuses (:mod:`headless.safe_urls`), stored before the rule."""
    value = getattr(instance, name)
    field = instance._meta.get_field(name)
    if value == "" and is_optional_text(field):
        return None
    if isinstance(field, models.URLField) and not is_safe_url(value):
        return None
    return value


def model_values(instance, names):
    """``{name: field_value(instance, name)}`` for each of ``names``, in their order."""
    return {name: field_value(instance, name) for name in names}


class OptionalTextField(serializers.CharField):
    """A model's text field that editors may leave blank: the text, or null when blank."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return super().to_representation(value) or None

    def api_schema(self, builder, model):
        return builder.model_field(model, self.source)


class BlankAsNullMixin:
    """Mixed into a ModelSerializer: text fields editors may leave blank are null when blank.

    Applies to the fields the serializer builds from the model (``seo_title``,
    ``search_description``, a page's own ``CharField`` in ``api_fields``); rich text keeps the
    serializer that renders it.
    """

    def build_standard_field(self, field_name, model_field):
        if is_optional_text(model_field) and not isinstance(
            model_field, wagtail_fields.RichTextField
        ):
            return OptionalTextField, {}
        return super().build_standard_field(field_name, model_field)


class ReferenceField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    @property
    def references(self):
        return self.context["references"]


class WholeObjectField(ReferenceField):
    """A value made from the whole object being serialized (a page), not one attribute of it."""

    def get_attribute(self, instance):
        return instance


class ImageField(ReferenceField):
    """An image as an object with absolute URLs and named renditions, or null.

    ``alt_source`` names the page's field holding the alt text for the image where this field
    uses it (``hero_image_alt``); without one the image has no alt text (``alt: null``).
    """

    def __init__(self, alt_source=None, **kwargs):
        self.alt_source = alt_source
        super().__init__(**kwargs)

    def to_representation(self, value):
        image, alt = value
        return self.references.image_data(image, alt=alt)

    def get_attribute(self, instance):
        # A null foreign key must still reach to_representation's None handling.
        alt = getattr(instance, self.alt_source, None) if self.alt_source else None
        return image_of(instance, self.source), alt

    def api_schema(self, builder, model):
        return schema.nullable(image_schema(builder))


class RichTextField(ReferenceField):
    """Database rich text as frontend-ready HTML; null when an optional field is empty."""

    def to_representation(self, html):
        return self.references.rich_text(html) or None

    def api_schema(self, builder, model):
        html = rich_text_schema(builder)
        return (
            schema.nullable(html) if is_optional_text(model._meta.get_field(self.source)) else html
        )


class StreamField(ReferenceField):
    """A StreamField as ``[{type, id, value}]`` with every reference expanded.

    Blocks find the page's language in their context (``language``): a default text comes
    in it.
    """

    def get_attribute(self, instance):
        locale_id = getattr(instance, "locale_id", None)
        language = self.references.locale_code(locale_id) if locale_id else None
        return super().get_attribute(instance), language

    def to_representation(self, value):
        stream_value, language = value
        context = {
            "request": self.context["request"],
            "references": self.references,
            "language": language,
        }
        return stream_value.stream_block.get_api_representation(stream_value, context=context)

    def api_schema(self, builder, model):
        return builder.block(model._meta.get_field(self.source).stream_block)


class PagePathField(WholeObjectField):
    """The page's path relative to its site root, so a frontend routes without parsing URLs."""

    def to_representation(self, page):
        return self.references.page_path(page)

    def api_schema(self, builder, model):
        return schema.STRING


class PageUrlField(WholeObjectField):
    """``meta.html_url``: the page's URL on the frontend (Wagtail's, asked once per response)."""

    def to_representation(self, page):
        return self.references.page_url(page)

    def api_schema(self, builder, model):
        return schema.nullable(schema.URL)


class LocaleField(WholeObjectField):
    """``meta.locale``: the language code of the page (``en``, ``es``)."""

    def to_representation(self, page):
        return self.references.locale_code(page.locale_id)

    def api_schema(self, builder, model):
        return schema.locale()


class TranslationsField(WholeObjectField):
    """``meta.translations``: the page in the other languages, live and public ones only::

    [{"locale": "es", "id": 31, "path": "/es/articles/migrana/",
      "url": "https://clinic.example/es/articles/migrana/"}]
    """

    def to_representation(self, page):
        return self.references.translations_data(page)

    def api_schema(self, builder, model):
        translation = schema.obj(
            {
                "locale": schema.locale(),
                "id": schema.INTEGER,
                "path": schema.nullable(schema.STRING),
                "url": schema.nullable(schema.URL),
            },
            description="The page in another language.",
        )
        return schema.array(builder.define("Translation", translation))


class CollectsHealthInformationField(WholeObjectField):
    """``meta.collects_health_information``: true on pages that ask visitors about their health.

    A frontend turns third-party tracking off on them (HHS guidance on online tracking
    technologies and HIPAA). A page type says so with the class attribute
    ``collects_health_information = True``; read from the class, so a listing of plain pages
    answers without loading each page's specific row.
    """

    def to_representation(self, page):
        page_class = page.specific_class or type(page)
        return bool(getattr(page_class, "collects_health_information", False))

    def api_schema(self, builder, model):
        return schema.BOOLEAN


class PageListingField(ReferenceField):
    """Pages of ``model`` (an ``"app.Model"`` label) as the items its listing gives.

    The field reads a list of pages the page prepared for its detail (``prepare_api_detail``)
    from the attribute ``source``; none prepared is an empty list.
    """

    def __init__(self, model, **kwargs):
        self.model_label = model
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source, [])

    def to_representation(self, pages):
        self.references.depend_on(*pages)
        model = apps.get_model(self.model_label)
        serializer_class = self.context["view"].listing_serializer_class(model)
        return serializer_class(pages, many=True, context=self.context).data

    def api_schema(self, builder, model):
        return schema.array(schema.ref(f"{self.model_label}ListingItem"))


class ValueField(serializers.ReadOnlyField):
    """A plain value (a property or method of the page) whose schema is given here."""

    def __init__(self, schema, **kwargs):
        self.value_schema = schema
        super().__init__(**kwargs)

    def api_schema(self, builder, model):
        return self.value_schema(builder) if callable(self.value_schema) else self.value_schema


class DeprecatedValueField(ValueField, ReferenceField):
    """A :class:`ValueField` that is deprecated (a :class:`headless.deprecations.Deprecation`):
    marked so in the schema, and the answers carrying it say so in their headers."""

    def __init__(self, schema, deprecation, **kwargs):
        self.deprecation = deprecation
        super().__init__(schema, **kwargs)

    def to_representation(self, value):
        self.deprecation.carried_by(self.context.get("request"), self.references)
        return super().to_representation(value)

    def api_schema(self, builder, model):
        return self.deprecation.schema(super().api_schema(builder, model))


class EditPathsField(WholeObjectField):
    """``meta.edit_paths``, in preview answers only: where the editor edits what is shown::

        {"fields": {"title": "title", "summary": "summary", "hero_image": "hero_image"},
         "blocks": {"6f1c...": "body.6f1c...", "a2b4...": "body.9e0d....items.a2b4..."}}

    ``fields`` maps each field of the answer that the page's edit form has, by that name, to its
    path;
    ``blocks`` maps the id of every block (and of every item of a list block) to its path.
    A path is the ``data-contentpath`` of the Wagtail editor: names and block ids joined by
    dots, as Wagtail's comments and its ``#:w:contentpath=`` links use them. A frontend marks
    what it renders with them for ``/static/headless/preview-edit.js`` (docs/preview.md).
    """

    def to_representation(self, page):
        form_fields = set(type(page).get_edit_handler().get_form_options().get("fields", ()))
        fields, blocks = {}, {}
        # A field shown under its own name; one derived from another (a table of contents
        # from the body) is edited where its parts are.
        for name in self.parent.fields:
            if name not in form_fields:
                continue
            fields[name] = name
            value = getattr(page, name, None)
            if isinstance(value, StreamValue):
                blocks.update(block_paths(value, name))
        return {"fields": fields, "blocks": blocks}

    def api_schema(self, builder, model):
        paths = {"type": "object", "additionalProperties": schema.STRING}
        return builder.define(
            "EditPaths",
            schema.obj(
                {"fields": paths, "blocks": paths},
                description=(
                    "Preview answers only: the editor's path (data-contentpath) of each field "
                    "shown, by its key in the answer, and of each block, by its id."
                ),
            ),
        )


def block_paths(value, path):
    """``(block id, path)`` of every block in a StreamField's ``value`` at ``path``, nested
    ones too: stream children and list items by their ids, struct children by their names."""
    if isinstance(value, StreamValue | ListValue):
        children = value if isinstance(value, StreamValue) else value.bound_blocks
        for child in children:
            if child.id:
                child_path = f"{path}.{child.id}"
                yield child.id, child_path
                yield from block_paths(child.value, child_path)
    elif isinstance(value, StructValue):
        for name, child_value in value.items():
            yield from block_paths(child_value, f"{path}.{name}")
