import json
from pathlib import Path

from django.core.management.base import BaseCommand

from cms.api import build_schema


class Command(BaseCommand):
    help = (
        "Write the JSON Schema of the API's responses (every page type's fields, every block's "
        "value), for a frontend to generate types from. See docs/api-types.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="PATH", help="File to write; standard output by default."
        )

    def handle(self, *args, output=None, **options):
        # Sorted keys and a fixed indent: the same code always gives the same bytes, so the
        # file can be committed and diffed.
        text = json.dumps(build_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote the API schema to {output}")
        else:
            self.stdout.write(text, ending="")
