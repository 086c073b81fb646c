"""API serializer fields of contact form pages, with the schemas of their values."""

from wagtail.contrib.forms.models import FORM_FIELD_CHOICES

from headless import schema
from headless.fields import ValueField


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


def submit_url():
    """Where the frontend POSTs a submission (absolute)."""
    return ValueField(schema.URL)


def honeypot_field():
    """The name of the field a frontend renders hidden from people, or null."""
    return ValueField(schema.nullable(schema.STRING))
