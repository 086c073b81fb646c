"""The admin's listing and spreadsheet export of a contact form's submissions."""

from wagtail.contrib.forms.views import SubmissionsListView

from headless.exports import SafeSpreadsheetExportMixin


class ContactSubmissionsListView(SafeSpreadsheetExportMixin, SubmissionsListView):
    """Wagtail's submissions listing, its CSV export escaped: answers are anyone's input."""
