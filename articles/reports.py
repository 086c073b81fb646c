"""The admin report of articles whose medical review is due."""

from django.utils.formats import date_format
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from headless.exports import SafeSpreadsheetExportMixin

from .review import articles_due_for_review


def _date(value, empty=""):
    return date_format(value, "DATE_FORMAT") if value else empty


class ReviewsDueReportView(SafeSpreadsheetExportMixin, ReportView):
    """Live articles never reviewed or reviewed longer ago than the review interval.

    Never-reviewed articles come first, then the oldest reviews; nobody can reorder them, as the
    order is the point of the report.
    """

    page_title = "Medical reviews due"
    header_icon = "doc-full-inverse"
    index_url_name = "articles_reviews_due"
    index_results_url_name = "articles_reviews_due_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    permission_policy = PagePermissionPolicy()
    any_permission_required = ["add", "change", "publish"]
    no_results_message = "No article is due for medical review."
    columns = [
        TitleColumn("title", label="Article", url_name="wagtailadmin_pages:edit"),
        Column("reviewer", label="Medical reviewer"),
        Column(
            "last_reviewed",
            label="Last reviewed",
            accessor=lambda article: _date(article.last_reviewed, "Never"),
        ),
        Column(
            "next_review_date",
            label="Review due by",
            accessor=lambda article: _date(article.next_review_date, "Now"),
        ),
    ]
    list_export = ["title", "reviewer", "last_reviewed", "next_review_date", "full_url"]
    export_headings = {
        "title": "Article",
        "reviewer": "Medical reviewer",
        "last_reviewed": "Last reviewed",
        "next_review_date": "Review due by",
        "full_url": "URL",
    }

    def get_queryset(self):
        return articles_due_for_review()

    def get_filename(self):
        return "medical-reviews-due"
