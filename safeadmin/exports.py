"""Spreadsheet exports from the admin that a spreadsheet program cannot execute.

Wagtail's ``SpreadsheetExportMixin`` (reports, form submissions, model listings) writes CSV
cells as they are. Excel and LibreOffice read a cell beginning with ``=``, ``+``, ``-``, ``@``,
a tab or a line break as a formula, some also after leading spaces or in their full-width forms
(``＝``), so a visitor's form answer or an editor's page title could run one on the machine of
whoever opens the export (CSV injection). Such cells get a ``'`` in front. XLSX cells are
typed and Wagtail stores a formula-looking value as text, so XLSX keeps values as typed.

:class:`SafeSpreadsheetExportMixin` is the one place this happens. The project's own export
views put it first; :func:`safe_exports` gives it to every other export view of the admin
(Wagtail's reports and listings, and any app's), found in the URL patterns.
"""

import datetime
import functools
from decimal import Decimal

from django.urls import URLResolver
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.mixins import SpreadsheetExportMixin

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
TYPED_VALUES = (str, int, float, Decimal, datetime.date, datetime.time, bool)


def escape_csv_formula(value):
    """``value`` with a ``'`` in front when a spreadsheet would read it as a formula (OWASP),
    leading whitespace or not."""
    if isinstance(value, str) and (
        value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)
    ):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    """``SpreadsheetExportMixin`` whose CSV cells never start a formula.

    Put it before the Wagtail view class: ``class MyReport(SafeSpreadsheetExportMixin, ReportView)``.
    A value that is not text, a number or a date (a user, a page, a workflow) becomes its text
    first, as the CSV writer would, so its name is escaped too.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            if value is not None and not isinstance(value, TYPED_VALUES):
                value = str(value)
            return escape_csv_formula(value)
        return value


def safe_exports(urlpatterns):
    """Give every admin view in ``urlpatterns`` (and the URLconfs they include) that exports
    spreadsheets, and is not safe already, a safe subclass for its exports; returns them.

    The URL patterns stay as they are (names, namespaces, Wagtail's own decorators for pages
    that export nothing); a request with ``?export=`` is answered by the subclass, behind the
    admin's access check, ``require_admin_access``, the decorator Wagtail gives every admin URL.
    The view class's own permission checks are inherited. Call it on the admin's URL patterns
    once they are complete (``cms/urls.py``): a view added later is found the same way.
    """
    for entry in urlpatterns:
        if isinstance(entry, URLResolver):
            safe_exports(entry.url_patterns)
        elif (view := _safe_view(entry.callback)) is not None:
            entry.callback = view
    return urlpatterns


def _safe_view(callback):
    view_class = getattr(callback, "view_class", None)
    if (
        view_class is None
        or not issubclass(view_class, SpreadsheetExportMixin)
        or issubclass(view_class, SafeSpreadsheetExportMixin)
    ):
        return None
    safe_class = type(
        view_class.__name__,
        (SafeSpreadsheetExportMixin, view_class),
        {"__module__": view_class.__module__, "__doc__": view_class.__doc__},
    )
    export = require_admin_access(safe_class.as_view(**callback.view_initkwargs))

    @functools.wraps(callback)
    def view(request, *args, **kwargs):
        if request.GET.get("export") in SpreadsheetExportMixin.FORMATS:
            return export(request, *args, **kwargs)
        return callback(request, *args, **kwargs)

    view.view_class = safe_class
    return view
