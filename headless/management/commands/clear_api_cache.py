"""``manage.py clear_api_cache``: every server drops every cached API response."""

from django.core.management.base import BaseCommand
from django.db import transaction

from headless import cache


class Command(BaseCommand):
    help = (
        "Drop every cached API response on every server (within API_CACHE_POLL_SECONDS), e.g. "
        "after changing content in the database directly, behind Wagtail's back."
    )

    def handle(self, *args, **options):
        with transaction.atomic():
            cache.changed([cache.EVERYTHING])
        self.stdout.write("Every cached API response is dropped.")
