"""``manage.py webhook_events_doc``: docs/webhooks.md's table of events, from the registry."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from webhooks.events import events_table

DOC = Path(settings.BASE_DIR) / "docs" / "webhooks.md"
BEGIN = (
    "<!-- The events: `manage.py webhook_events_doc` writes this table (webhooks/events.py). -->\n"
)
END = "<!-- End of the events. -->\n"


def documented(text=None):
    """The table the doc holds between its markers."""
    text = DOC.read_text(encoding="utf-8") if text is None else text
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


class Command(BaseCommand):
    help = "Write the table of webhook events in docs/webhooks.md from webhooks/events.py."

    def handle(self, *args, **options):
        text = DOC.read_text(encoding="utf-8")
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        DOC.write_text(before + BEGIN + events_table() + END + after, encoding="utf-8")
        self.stdout.write(f"Wrote the webhook events to {DOC}")
