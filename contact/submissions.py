"""The admin's listing and spreadsheet export of a contact form's submissions."""

from wagtail.contrib.forms.views import SubmissionsListView

from safeadmin.exports import SafeSpreadsheetExportMixin

from . import access_log


class ContactSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """Wagtail's submissions listing, its CSV export escaped: answers are anyone's input.

    Every page of the listing and every export is recorded in the audit log with the ids of
    the submissions it showed (``contact.access_log``).
    """

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.is_export:
            shown = [submission.pk for submission in context["submissions"]]
            access_log.record(self.form_page, access_log.VIEW_LIST, shown)
        return context

    def as_spreadsheet(self, queryset, spreadsheet_format):
        response = super().as_spreadsheet(queryset, spreadsheet_format)
        exported = queryset.values_list("pk", flat=True)
        access_log.record(
            self.form_page, access_log.EXPORT, exported, export_format=spreadsheet_format
        )
        return response
