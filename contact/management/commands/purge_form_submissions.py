"""Delete form submissions older than a number of days; meant to run daily from cron.

manage.py purge_form_submissions --older-than 90

Each form's deleted submissions are recorded in the audit log (contact.access_log), by no user.
"""

import argparse
from datetime import timedelta

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone
from wagtail.contrib.forms.models import AbstractFormSubmission

from contact.access_log import delete_submissions


def positive_days(value):
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(
            f"must be a whole number of days, 1 or more (got {value!r})"
        )
    return days


class Command(BaseCommand):
    help = "Delete form submissions (contact forms and any other Wagtail form) older than DAYS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=positive_days,
            required=True,
            metavar="DAYS",
            help="Delete submissions received more than DAYS days ago.",
        )

    def handle(self, *args, older_than, **options):
        cutoff = timezone.now() - timedelta(days=older_than)
        deleted = 0
        for model in apps.get_models():
            if issubclass(model, AbstractFormSubmission):
                old = model._default_manager.filter(submit_time__lt=cutoff)
                deleted += delete_submissions(old)[0]
        noun = "submission" if deleted == 1 else "submissions"
        self.stdout.write(f"Deleted {deleted} {noun} older than {older_than} days.")
