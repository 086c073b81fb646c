"""The "Access to patient messages" report: who read, exported or deleted which submissions."""

import django_filters
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.models import PageLogEntry
from wagtail.permission_policies import ModelPermissionPolicy

from safeadmin.exports import SafeSpreadsheetExportMixin

from . import access_log
from .models import ContactSubmission

VERBS = {action: formatter.verb for action, formatter in access_log.FORMATTERS.items()}


class SubmissionAccessFilterSet(WagtailFilterSet):
    timestamp = django_filters.DateFromToRangeFilter(label="Date", widget=DateRangePickerWidget)
    action = django_filters.ChoiceFilter(
        label="Action", choices=list(VERBS.items()), empty_label="All"
    )
    user = django_filters.CharFilter(
        label="User (username)", field_name="user__username", lookup_expr="iexact"
    )

    class Meta:
        model = PageLogEntry
        fields = []


class SubmissionAccessReportView(SafeSpreadsheetExportMixin, ReportView):
    """Each listing, export and deletion of form submissions, newest first.

    Shown to whoever may read submissions: the people it lists can see what each other did.
    """

    page_title = "Access to patient messages"
    header_icon = "form"
    index_url_name = "contact_submission_access"
    index_results_url_name = "contact_submission_access_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    filterset_class = SubmissionAccessFilterSet
    permission_policy = ModelPermissionPolicy(ContactSubmission)
    any_permission_required = ["view"]
    no_results_message = "Nobody has read, exported or deleted form submissions yet."
    columns = [
        DateColumn("timestamp", label="Date/Time"),
        Column("user_display_name", label="User"),
        Column("label", label="Form"),
        Column("message", label="Action"),
        Column("ids_text", label="Submission IDs"),
    ]
    list_export = ["timestamp", "user_display_name", "label", "page_id", "verb", "count"]
    list_export += ["export_format", "ids_text"]
    export_headings = {
        "timestamp": "Date/Time",
        "user_display_name": "User",
        "label": "Form",
        "page_id": "Form ID",
        "verb": "Action",
        "count": "Count",
        "export_format": "Format",
        "ids_text": "IDs",
    }

    def get_queryset(self):
        return (
            PageLogEntry.objects.filter(action__in=VERBS)
            .select_related("user")
            .order_by("-timestamp", "-pk")
        )

    def decorate_paginated_queryset(self, object_list):
        for entry in object_list:
            entry.verb = VERBS[entry.action]
            entry.count = entry.data.get("count", 0)
            entry.export_format = entry.data.get("format", "").upper()
            entry.ids_text = " ".join(str(pk) for pk in entry.data.get("ids", []))
        return object_list

    def get_filename(self):
        return f"access-to-patient-messages-{timezone.localdate():%Y-%m-%d}"


class SubmissionAccessMenuItem(MenuItem):
    def is_shown(self, request):
        return SubmissionAccessReportView.permission_policy.user_has_any_permission(
            request.user, SubmissionAccessReportView.any_permission_required
        )
