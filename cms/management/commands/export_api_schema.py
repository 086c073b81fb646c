from pathlib import Path

from django.core.management.base import BaseCommand

from cms.api import build_schema
from cms.openapi import document_text, openapi_text


class Command(BaseCommand):
    help = (
        "Write the JSON Schema of the API's responses (every page type's fields, every block's "
        "value), or with --openapi the OpenAPI 3.1 document of the API, for a frontend to "
        "generate types from. See docs/api-types.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="PATH", help="File to write; standard output by default."
        )
        parser.add_argument(
            "--openapi",
            action="store_true",
            help="The OpenAPI 3.1 document (paths, webhooks, components) instead.",
        )

    def handle(self, *args, output=None, openapi=False, **options):
        text = openapi_text() if openapi else document_text(build_schema())
        if output:
            Path(output).write_text(text, encoding="utf-8")
            what = "OpenAPI document" if openapi else "API schema"
            self.stdout.write(f"Wrote the {what} to {output}")
        else:
            self.stdout.write(text, ending="")
