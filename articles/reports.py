"""The admin reports: articles whose medical review is due, and the content's health."""

import django_filters
from django.urls import reverse
from django.utils.formats import date_format
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies.pages import PagePermissionPolicy

from safeadmin.exports import SafeSpreadsheetExportMixin

from . import content_health
from .models import ArticlePage
from .readability import FORMULA, is_above, sections_above
from .review import articles_due_for_review, review_due, snippets_due_for_review


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
        Column("language", label="Language", accessor=lambda article: _language(article)),
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
    list_export = ["title", "language", "reviewer", "last_reviewed", "next_review_date", "full_url"]
    export_headings = {
        "title": "Article",
        "language": "Language",
        "reviewer": "Medical reviewer",
        "last_reviewed": "Last reviewed",
        "next_review_date": "Review due by",
        "full_url": "URL",
    }

    def get_queryset(self):
        return articles_due_for_review().select_related("locale")

    def decorate_paginated_queryset(self, object_list):
        for article in object_list:
            article.language = _language(article)
        return object_list

    def get_filename(self):
        return "medical-reviews-due"


def _snippet_edit_url(snippet):
    return reverse(f"wagtailsnippets_articles_{snippet._meta.model_name}:edit", args=[snippet.pk])


class SnippetReviewsDueReportView(SafeSpreadsheetExportMixin, ReportView):
    """Live clinicians, conditions and treatments never approved in medical review, or approved
    longer ago than the review interval, never-approved first, then the oldest approval.

    A snippet's last review is its latest approval in the Medical review workflow (they carry
    no reviewer or date of their own); see :func:`articles.review.snippets_due_for_review`.
    """

    page_title = "Medical reviews due: clinicians, conditions, treatments"
    header_icon = "doc-full-inverse"
    index_url_name = "articles_snippet_reviews_due"
    index_results_url_name = "articles_snippet_reviews_due_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    permission_policy = ReviewsDueReportView.permission_policy
    any_permission_required = ReviewsDueReportView.any_permission_required
    no_results_message = "No clinician, condition or treatment is due for medical review."
    columns = [
        TitleColumn("name", label="Name", get_url=_snippet_edit_url),
        Column("kind", label="Kind", accessor=lambda snippet: snippet._meta.verbose_name.title()),
        Column("language", label="Language", accessor=lambda snippet: _language(snippet)),
        Column(
            "last_reviewed",
            label="Last approved",
            accessor=lambda snippet: _date(snippet.last_reviewed, "Never"),
        ),
        Column(
            "next_review_date",
            label="Review due by",
            accessor=lambda snippet: _date(snippet.next_review_date, "Now"),
        ),
    ]
    list_export = ["name", "kind", "language", "last_reviewed", "next_review_date"]
    export_headings = {
        "name": "Name",
        "kind": "Kind",
        "language": "Language",
        "last_reviewed": "Last approved",
        "next_review_date": "Review due by",
    }

    def get_queryset(self):
        return snippets_due_for_review()

    def decorate_paginated_queryset(self, object_list):
        for snippet in object_list:
            snippet.kind = snippet._meta.verbose_name.title()
            snippet.language = _language(snippet)
        return object_list

    def get_filename(self):
        return "medical-snippet-reviews-due"


class ReviewsDueMenuItem(MenuItem):
    def is_shown(self, request):
        return ReviewsDueReportView.permission_policy.user_has_any_permission(
            request.user, ReviewsDueReportView.any_permission_required
        )


class ContentHealthFilterSet(WagtailFilterSet):
    reading_level = django_filters.ChoiceFilter(
        label="Reading level",
        choices=[("above", "Above target"), ("within", "At or below target")],
        method="filter_reading_level",
        empty_label="All",
    )
    accessibility = django_filters.ChoiceFilter(
        label="Accessibility",
        choices=[("problems", "Has problems"), ("none", "No problems")],
        method="filter_accessibility",
        empty_label="All",
    )
    review = django_filters.ChoiceFilter(
        label="Medical review",
        choices=[("overdue", "Overdue"), ("current", "Current")],
        method="filter_review",
        empty_label="All",
    )

    class Meta:
        model = ArticlePage
        fields = []

    def filter_reading_level(self, queryset, name, value):
        condition = content_health.above_target(content_health.site_targets())
        return queryset.filter(condition) if value == "above" else queryset.exclude(condition)

    def filter_accessibility(self, queryset, name, value):
        condition = content_health.with_accessibility_problems()
        return queryset.filter(condition) if value == "problems" else queryset.exclude(condition)

    def filter_review(self, queryset, name, value):
        condition = review_due()
        return queryset.filter(condition) if value == "overdue" else queryset.exclude(condition)


def _language(article):
    return article.locale.get_display_name() or article.locale.language_code


def _grade(article):
    grade = article.readability.get("grade_level")
    if grade is None:
        return "No text"
    formula = article.readability.get("formula", FORMULA)
    above = " (above target)" if is_above(grade, article.target_grade, formula) else ""
    return f"{grade:g} / target {article.target_grade}{above}"


class ContentHealthReportView(SafeSpreadsheetExportMixin, ReportView):
    """Every live article: its reading grade against target, accessibility problems and review.

    The chart above the table shows all live articles whatever the filters, so the picture
    stays the clinic's; the table and its exports follow the filters.
    """

    page_title = "Content health"
    header_icon = "pick"
    template_name = "articles/reports/content_health.html"
    index_url_name = "articles_content_health"
    index_results_url_name = "articles_content_health_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    filterset_class = ContentHealthFilterSet
    permission_policy = PagePermissionPolicy()
    any_permission_required = ["add", "change", "publish"]
    no_results_message = "No live article matches."
    columns = [
        TitleColumn("title", label="Article", url_name="wagtailadmin_pages:edit"),
        Column("language", label="Language"),
        Column("reading_grade", label="Reading grade"),
        Column("sections_above_target", label="Sections above target"),
        Column("accessibility", label="Accessibility problems"),
        Column("review_due", label="Review due by"),
        Column("reviewer", label="Last reviewer"),
    ]
    list_export = [
        "title",
        "language",
        "grade_level",
        "target_grade",
        "sections_above_target",
        "accessibility",
        "review_due",
        "reviewer",
        "full_url",
    ]
    export_headings = {
        "title": "Article",
        "language": "Language",
        "grade_level": "Reading grade",
        "target_grade": "Target grade",
        "sections_above_target": "Sections above target",
        "accessibility": "Accessibility problems",
        "review_due": "Review due by",
        "reviewer": "Last reviewer",
        "full_url": "URL",
    }

    def get_queryset(self):
        return (
            content_health.live_articles()
            .select_related("reviewer", "locale")
            .order_by("title", "pk")
        )

    def decorate_paginated_queryset(self, object_list):
        targets = content_health.site_targets()
        for article in object_list:
            article.language = _language(article)
            article.target_grade = content_health.target_for(article, targets)
            article.grade_level = article.readability.get("grade_level")
            article.reading_grade = _grade(article)
            article.sections_above_target = "; ".join(
                f"{section['heading']} ({section['grade_level']:g})"
                for section in sections_above(article.readability, article.target_grade)
            )
            article.accessibility = "; ".join(
                f"{problem['where']}: {problem['message']}"
                for problem in article.accessibility_problems
            )
            article.review_due = _date(article.next_review_date, "Now") + (
                " (overdue)" if article.review_is_due else ""
            )
        return object_list

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.results_only:
            context["summary"] = content_health.summary()
            context["chart"] = content_health.chart_svg(context["summary"])
        return context

    def get_filename(self):
        return "content-health"


def may_see_content_health(user):
    """Editors, reviewers and publishers: whoever may add, change or publish pages."""
    return ContentHealthReportView.permission_policy.user_has_any_permission(
        user, ContentHealthReportView.any_permission_required
    )


class ContentHealthMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_content_health(request.user)


class ContentHealthPanel(Component):
    """The dashboard's three numbers: above target, accessibility problems, reviews overdue."""

    name = "content_health"
    template_name = "articles/home/content_health_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        report = reverse("articles_content_health")
        context["summary"] = content_health.summary()
        context["links"] = {
            "above_target": f"{report}?reading_level=above",
            "with_problems": f"{report}?accessibility=problems",
            "overdue": f"{report}?review=overdue",
        }
        return context
