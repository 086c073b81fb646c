"""Spreadsheet exports from the admin that a spreadsheet program cannot execute.

Wagtail's ``SpreadsheetExportMixin`` (reports, form submissions, model listings) writes CSV
cells as they are. Excel and LibreOffice read a cell beginning with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return as a formula, so a visitor's form answer or an editor's page title
could run one on the machine of whoever opens the export (CSV injection). XLSX cells are typed
and Wagtail already stores them as text, so only CSV needs escaping.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_csv_formula(value):
    """``value`` with a ``'`` in front when a spreadsheet would read it as a formula (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """``SpreadsheetExportMixin`` whose CSV cells never start a formula.

    Put it before the Wagtail view class: ``class MyReport(SafeSpreadsheetExportMixin, ReportView)``.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return escape_csv_formula(value)
        return value
