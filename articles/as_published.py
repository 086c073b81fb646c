"""The admin's answer to "what did a patient see on date T": a page's publication history, its
export, and the page as it was live at an instant.

From a page's header menu (edit view, explorer) or its row's More menu, **As published on...**
opens :class:`PublicationHistoryView`: each live interval with its approver, reviewer and dates
(:mod:`articles.publication_history`), downloadable as CSV or XLSX (formula-safe,
:mod:`headless.exports`), and a form asking for a date and time. :func:`as_published` shows the
version live then in the built-in preview (:mod:`headless.preview`), under a banner naming the
instant and the review. It asks the API's ``/api/v2/pages/<id>/as_of/`` in-process as the
signed-in user, so the admin shows exactly what staff tools get.

Whoever may edit (or publish) the page may see its history, as with Wagtail's page history.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import cached_property
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from headless import preview
from headless.exports import SafeSpreadsheetExportMixin

from .publication_history import publication_history

AS_OF_ENDPOINT = "wagtailapi:pages:as_of"
"""The URL name of ``/api/v2/pages/<id>/as_of/`` (:class:`articles.api.PageAsOfEndpoint`)."""


def may_see_history(page, user):
    """Who sees a page's history in Wagtail's admin: whoever may edit or publish it."""
    if page.is_root():
        return False
    permissions = page.permissions_for_user(user)
    return permissions.can_edit() or permissions.can_publish()


def _page_for(request, page_id):
    page = get_object_or_404(Page, pk=page_id).specific
    if not may_see_history(page, request.user):
        raise PermissionDenied
    return page


def _when(value, empty=""):
    if value is None:
        return empty
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _day(value, empty=""):
    return date_format(value, "DATE_FORMAT") if value else empty


class AsPublishedForm(forms.Form):
    at = forms.DateTimeField(
        label="Show the page as it was live on",
        help_text="A date and time in your time zone.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "step": 1}),
    )

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now():
            raise forms.ValidationError("That moment is still to come.")
        return at


class Row:
    """One live interval as the history table and its exports show it."""

    def __init__(self, page, interval):
        self.interval = interval
        self.live_from = interval.live_from
        self.live_until = interval.live_until
        self.revision_id = interval.revision_id
        self.title = (interval.revision.content or {}).get("title") if interval.revision else None
        self.approved_by = interval.approved_by and get_user_display_name(interval.approved_by)
        self.reviewer = interval.reviewer.name if interval.reviewer else None
        self.approved_at = interval.approved_at
        self.last_reviewed = interval.last_reviewed
        self.published_by = interval.published_by and get_user_display_name(interval.published_by)
        self.show_url = (
            reverse("articles_as_published", args=[page.pk])
            + "?at="
            + timezone.localtime(interval.live_from).strftime("%Y-%m-%dT%H:%M:%S")
        )


class ShowColumn(Column):
    cell_template_name = "articles/as_published/show_cell.html"


class PublicationHistoryView(SafeSpreadsheetExportMixin, ReportView):
    """A page's live intervals, newest first, and the form that shows one at an instant."""

    template_name = "articles/as_published/history.html"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    header_icon = "history"
    paginate_by = 50
    no_results_message = "This page has never been live."
    columns = [
        Column("live_from", label="Live from", accessor=lambda row: _when(row.live_from)),
        Column("live_until", label="Live until", accessor=lambda row: _when(row.live_until, "Now")),
        Column("title", label="Title"),
        Column("reviewer", label="Medical reviewer"),
        Column("approved_by", label="Approved by"),
        Column("approved_at", label="Approved", accessor=lambda row: _when(row.approved_at)),
        Column(
            "last_reviewed", label="Last reviewed", accessor=lambda row: _day(row.last_reviewed)
        ),
        Column("published_by", label="Published by"),
        ShowColumn("show_url", label="As published"),
    ]
    list_export = [
        "live_from",
        "live_until",
        "revision_id",
        "title",
        "reviewer",
        "approved_by",
        "approved_at",
        "last_reviewed",
        "published_by",
    ]
    export_headings = {
        "live_from": "Live from (UTC)",
        "live_until": "Live until (UTC)",
        "revision_id": "Revision",
        "title": "Title",
        "reviewer": "Medical reviewer",
        "approved_by": "Approved by",
        "approved_at": "Approved (UTC)",
        "last_reviewed": "Last reviewed",
        "published_by": "Published by",
    }

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.page = _page_for(request, kwargs["page_id"])

    @cached_property
    def page_title(self):
        return f"As published: {self.page.get_admin_display_title()}"

    def get_queryset(self):
        history = publication_history(self.page)
        return [Row(self.page, interval) for interval in reversed(history)]

    def get_index_url(self):
        return reverse("articles_publication_history", args=[self.page.pk])

    def get_index_results_url(self):
        return None

    def get_filename(self):
        return f"publication-history-{self.page.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.page
        context["form"] = AsPublishedForm()
        context["as_published_url"] = reverse("articles_as_published", args=[self.page.pk])
        return context


def banner(data, at):
    """ "As published on <at>, approved by <reviewer> on <date>", or how it went live else."""
    approval = data["meta"]["approval"]
    reviewer = (approval["reviewer"] or {}).get("name") or approval["approved_by"]
    shown = f"As published on {_when(at)}"
    if approval["approved_at"] is None:
        published_by = approval["published_by"] or "the system"
        return f"{shown}, published by {published_by} without a medical review"
    return f"{shown}, approved by {reviewer} on {_when(parse_datetime(approval['approved_at']))}"


def as_published(request, page_id):
    """The page as it was live at ``?at=``, in the built-in preview, under a banner."""
    page = _page_for(request, page_id)
    form = AsPublishedForm(request.GET)
    if not form.is_valid():
        for error in form.errors.get("at", []):
            messages.error(request, f"Choose a moment to show: {error}")
        return redirect("articles_publication_history", page.pk)
    at = form.cleaned_data["at"]
    status, data = preview.api_data(
        request,
        reverse(AS_OF_ENDPOINT, args=[page.pk]),
        {"at": at.isoformat()},
        as_user=True,
    )
    if status == 200:
        return preview.render(request, page, status, data, banner(data, at))
    return preview.render(request, page, status, data, f"As published on {_when(at)}")


class AsPublishedMenuItem(PageMenuItem):
    label = "As published on…"
    icon_name = "history"
    url_name = "articles_publication_history"

    def is_shown(self, user):
        return may_see_history(self.page, user)
