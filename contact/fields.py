"""API serializer fields of contact form pages, with the schemas of their values."""

import datetime

from wagtail.contrib.forms.models import FORM_FIELD_CHOICES

from headless import deprecations, schema
from headless.fields import DeprecatedValueField, ValueField


def form_field_schema(builder):
    """The schema of one entry of ``ContactPage.form_field_definitions()``."""
    field = schema.obj(
        {
            "name": schema.STRING,
            "label": schema.STRING,
            "type": schema.enum([value for value, _ in FORM_FIELD_CHOICES]),
            "required": schema.BOOLEAN,
            "choices": schema.array(schema.STRING),
            "help_text": builder.model_field("contact.FormField", "help_text"),
            "default": {"type": ["string", "boolean", "array", "null"], "items": schema.STRING},
            "max_length": schema.nullable(schema.INTEGER),
        },
        description="A contact form field as a frontend renders and pre-validates it.",
    )
    return schema.array(builder.define("FormField", field))


def form_fields():
    """The form's fields as a frontend renders and pre-validates them."""
    return ValueField(form_field_schema, source="form_field_definitions")


SUBMIT_URL = deprecations.deprecate(
    "ContactPage.submit_url",
    since=datetime.date(2026, 12, 7),
    instead="use submit_path, a path on the CMS like every other link.",
    anchor="220-2026-12-07",
)


def submit_url():
    """Where the frontend POSTs a submission, absolute: deprecated for ``submit_path``."""
    return DeprecatedValueField(schema.URL, SUBMIT_URL)


def submit_path():
    """Where the frontend POSTs a submission: a path on the CMS (``WAGTAILAPI_BASE_URL``)."""
    return ValueField(
        {**schema.STRING, "description": "A path on the CMS's API origin to POST answers to."}
    )


def honeypot_field():
    """The name of the field a frontend renders hidden from people, or null."""
    return ValueField(schema.nullable(schema.STRING))
