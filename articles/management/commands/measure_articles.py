"""``manage.py measure_articles``: reading grades and accessibility problems of every article.

Articles are measured whenever they are saved; this measures the ones saved before the CMS
measured them (after an upgrade), or all of them again after the formulas change. It updates
the stored figures of each article's current row only (no revision, no publish, no webhook),
and drops the cached API answers that show them.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import ArticlePage
from headless import cache
from headless.cache.tags import object_tag


class Command(BaseCommand):
    help = "Compute the reading grades and accessibility problems every article stores."

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", action="store_true", help="Only articles not measured yet."
        )

    def handle(self, *args, missing=False, **options):
        articles = ArticlePage.objects.all()
        if missing:
            articles = articles.filter(readability={})
        fields = ["reading_time", "readability", "accessibility_problems"]
        measured = 0
        for article in articles.iterator():
            article.compute_content_checks()
            with transaction.atomic():
                ArticlePage.objects.filter(pk=article.pk).update(
                    **{field: getattr(article, field) for field in fields}
                )
                cache.changed([object_tag(article)])
            measured += 1
        self.stdout.write(f"Measured {measured} article{'s' * (measured != 1)}.")
