"""Who read, exported or deleted which form submissions: entries in Wagtail's audit log.

Each entry is a ``PageLogEntry`` on the form page (so it also shows in the page's history and
in Reports → Site history), by the signed-in user (``None``: a management command), with
``data`` holding the number of submissions, their ids and, for an export, its format. Only
those: an answer never reaches the log, whatever the form asks.
"""

from collections import defaultdict

from django.db import models, transaction
from wagtail.log_actions import LogFormatter, log
from wagtail.models import Page

VIEW_LIST = "contact.submissions.view_list"
EXPORT = "contact.submissions.export"
DELETE = "contact.submissions.delete"


class SubmissionsLogFormatter(LogFormatter):
    """Messages such as "Viewed 3 submissions" or "Exported 120 submissions as CSV"."""

    verb = ""

    def format_message(self, log_entry):
        count = log_entry.data.get("count", 0)
        noun = "submission" if count == 1 else "submissions"
        export_format = log_entry.data.get("format")
        as_format = f" as {export_format.upper()}" if export_format else ""
        return f"{self.verb} {count} {noun}{as_format}"


class ViewedFormatter(SubmissionsLogFormatter):
    verb = "Viewed"
    label = "Viewed form submissions"


class ExportedFormatter(SubmissionsLogFormatter):
    verb = "Exported"
    label = "Exported form submissions"


class DeletedFormatter(SubmissionsLogFormatter):
    verb = "Deleted"
    label = "Deleted form submissions"


FORMATTERS = {VIEW_LIST: ViewedFormatter, EXPORT: ExportedFormatter, DELETE: DeletedFormatter}


def register_log_actions(actions):
    for action, formatter in FORMATTERS.items():
        actions.register_action(action)(formatter)


def record(form_page, action, submission_ids, user=None, export_format=None):
    """Log that ``user`` (by default the admin request's) read or deleted these submissions."""
    ids = sorted(submission_ids)
    data = {"count": len(ids), "ids": ids}
    if export_format:
        data["format"] = export_format
    log(form_page, action, user=user, data=data)


def record_deletion(submissions, user=None):
    """Log a ``DELETE`` entry on each form page the submissions of this queryset belong to."""
    ids_by_page = defaultdict(list)
    for pk, page_id in submissions.values_list("pk", "page_id"):
        ids_by_page[page_id].append(pk)
    for page in Page.objects.filter(pk__in=ids_by_page).specific():
        record(page, DELETE, ids_by_page[page.pk], user=user)


class LoggedDeletionQuerySet(models.QuerySet):
    """Submissions whose bulk ``delete()`` is logged: Wagtail's admin deletes them so."""

    def delete(self):
        with transaction.atomic():
            record_deletion(self)
            return super().delete()


def delete_submissions(submissions):
    """Delete a queryset of any form's submissions (Wagtail's own model too), logged."""
    if isinstance(submissions, LoggedDeletionQuerySet):
        return submissions.delete()
    with transaction.atomic():
        record_deletion(submissions)
        return submissions.delete()
