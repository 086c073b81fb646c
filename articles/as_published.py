"""The admin's answer to "what did a patient see on date T": a page's publication history, its
export, and the page as it was live at an instant.

From a page's header menu (edit view, explorer) or its row's More menu, **As published on...**
opens :class:`PublicationHistoryView`: each live interval with its approver, reviewer and dates
(:mod:`articles.publication_history`), downloadable as CSV or XLSX (formula-safe,
:mod:`safeadmin.exports`), and a form asking for a date and time. :func:`as_published` shows the
version live then in the built-in preview (:mod:`headless.preview`), under a banner naming the
instant and the review. It asks the API's ``/api/v2/pages/<id>/as_of/`` in-process as the
signed-in user, so the admin shows exactly what staff tools get.

Whoever may edit (or publish) the page may see its history, as with Wagtail's page history.

A reviewed snippet (condition, treatment, clinician) has the same history and export
(:class:`SnippetPublicationHistoryView`, from **As published on...** in its edit view's header
menu, :mod:`articles.viewsets`), and :class:`SnippetAsPublishedView` shows its fields as they
were live at an instant, as Wagtail's inspect view shows a snippet.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
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
from wagtail.admin.views.generic import InspectView
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page

from headless import preview
from safeadmin.exports import SafeSpreadsheetExportMixin

from .publication_history import as_of, publication_history

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

    def __init__(self, interval, show_url):
        self.interval = interval
        self.live_from = interval.live_from
        self.live_until = interval.live_until
        self.revision_id = interval.revision_id
        revision = interval.revision
        # A page's title, or a snippet as it names itself (its str) in that revision.
        self.title = revision and (
            (revision.content or {}).get("title") or str(revision.as_object())
        )
        self.approved_by = interval.approved_by and get_user_display_name(interval.approved_by)
        self.reviewer = interval.reviewer.name if interval.reviewer else None
        self.approved_at = interval.approved_at
        self.last_reviewed = interval.last_reviewed
        self.published_by = interval.published_by and get_user_display_name(interval.published_by)
        self.show_url = (
            show_url + "?at=" + timezone.localtime(interval.live_from).strftime("%Y-%m-%dT%H:%M:%S")
        )


class ShowColumn(Column):
    cell_template_name = "articles/as_published/show_cell.html"


def _columns(*names):
    return [column for column in COLUMNS if column.name in names]


COLUMNS = [
    Column("live_from", label="Live from", accessor=lambda row: _when(row.live_from)),
    Column("live_until", label="Live until", accessor=lambda row: _when(row.live_until, "Now")),
    Column("title", label="Title"),
    Column("reviewer", label="Medical reviewer"),
    Column("approved_by", label="Approved by"),
    Column("approved_at", label="Approved", accessor=lambda row: _when(row.approved_at)),
    Column("last_reviewed", label="Last reviewed", accessor=lambda row: _day(row.last_reviewed)),
    Column("published_by", label="Published by"),
    ShowColumn("show_url", label="As published"),
]
EXPORT_HEADINGS = {
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


class BasePublicationHistoryView(SafeSpreadsheetExportMixin, ReportView):
    """An object's live intervals, newest first, their CSV and XLSX export, and the form that
    shows it at an instant. Subclasses say what the object is and where its views are."""

    template_name = "articles/as_published/history.html"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    header_icon = "history"
    paginate_by = 50
    intro = ""
    export_headings = EXPORT_HEADINGS

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def get_object(self):
        raise NotImplementedError

    def get_as_published_url(self):
        raise NotImplementedError

    @cached_property
    def page_title(self):
        return f"As published: {self.object}"

    def get_queryset(self):
        show_url = self.get_as_published_url()
        history = publication_history(self.object)
        return [Row(interval, show_url) for interval in reversed(history)]

    def get_index_results_url(self):
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = self.intro
        context["form"] = AsPublishedForm()
        context["as_published_url"] = self.get_as_published_url()
        return context


class PublicationHistoryView(BasePublicationHistoryView):
    """A page's live intervals; *Show* opens it in the built-in preview as it was then."""

    no_results_message = "This page has never been live."
    intro = (
        "Each time this page was live: the version visitors got, who approved it and when. The "
        "linked images, clinicians and terms are shown as they are now."
    )
    columns = COLUMNS
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

    def get_object(self):
        return _page_for(self.request, self.kwargs["page_id"])

    @cached_property
    def page_title(self):
        return f"As published: {self.object.get_admin_display_title()}"

    def get_as_published_url(self):
        return reverse("articles_as_published", args=[self.object.pk])

    def get_index_url(self):
        return reverse("articles_publication_history", args=[self.object.pk])

    def get_filename(self):
        return f"publication-history-{self.object.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = self.object
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


# Reviewed snippets (conditions, treatments, clinicians): the same history from the snippet's
# edit view, and its fields as they were live at an instant. The viewset
# (articles.viewsets.ReviewedSnippetViewSet) makes these views with its model and URL names.


class SnippetViewMixin:
    """A reviewed snippet's view: ``model``, its permission policy and the viewset's URL names,
    set by the viewset. Whoever may edit (or publish) the snippet sees it, as for pages."""

    model = None
    permission_policy = None
    history_url_name = None
    as_published_url_name = None

    def get_snippet(self):
        obj = get_object_or_404(self.model, pk=unquote(str(self.kwargs["pk"])))
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, ["change", "publish"], obj
        ):
            raise PermissionDenied
        return obj

    def get_history_url(self):
        return reverse(self.history_url_name, args=[quote(self.kwargs["pk"])])

    def get_as_published_url(self):
        return reverse(self.as_published_url_name, args=[quote(self.kwargs["pk"])])


class SnippetPublicationHistoryView(SnippetViewMixin, BasePublicationHistoryView):
    """A snippet's live intervals with who approved each and when; *Show* lists its fields as
    they were then. A snippet carries no reviewer or review date of its own, so those columns
    are left out: the approval is its record."""

    no_results_message = "This has never been live."
    intro = "Each time this was live: the version patients got, who approved it and when."
    columns = _columns(
        "live_from", "live_until", "title", "approved_by", "approved_at", "published_by", "show_url"
    )
    list_export = [
        "live_from",
        "live_until",
        "revision_id",
        "title",
        "approved_by",
        "approved_at",
        "published_by",
    ]

    def get_object(self):
        return self.get_snippet()

    def get_index_url(self):
        return self.get_history_url()

    def get_filename(self):
        return f"publication-history-{self.model._meta.model_name}-{self.object.pk}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"].fields["at"].label = "Show it as it was live on"
        return context


class SnippetAsPublishedView(SnippetViewMixin, InspectView):
    """The snippet's fields as patients got them at ``?at=``: the revision live then, shown as
    Wagtail's inspect view shows a snippet, under a line naming the approval. 404 (saying so)
    when it was not live then."""

    template_name = "articles/as_published/snippet.html"
    any_permission_required = ["change", "publish"]

    def get_object(self, queryset=None):
        return self.get_snippet()

    def get(self, request, *args, **kwargs):
        form = AsPublishedForm(request.GET)
        if not form.is_valid():
            for error in form.errors.get("at", []):
                messages.error(request, f"Choose a moment to show: {error}")
            return redirect(self.get_history_url())
        self.at = form.cleaned_data["at"]
        self.interval = as_of(self.object, self.at)
        if self.interval is not None and self.interval.revision is not None:
            self.object = self.interval.as_live(self.object)
        response = super().get(request, *args, **kwargs)
        if self.interval is None:
            response.status_code = 404
        return response

    def get_page_title(self):
        return f"As published on {_when(self.at)}"

    def get_breadcrumbs_items(self):
        return []

    @cached_property
    def header_more_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["interval"] = self.interval
        context["history_url"] = self.get_history_url()
        context["banner"] = snippet_banner(self.object, self.interval, self.at)
        return context


def snippet_banner(obj, interval, at):
    shown = f"As published on {_when(at)}"
    if interval is None:
        return f"{obj} was not live at {_when(at)}."
    if interval.revision is None:
        return f"{shown}: its revision was purged, so its fields cannot be shown."
    if interval.approved_at is None:
        published_by = (
            get_user_display_name(interval.published_by) if interval.published_by else "the system"
        )
        return f"{shown}, published by {published_by} without a medical review"
    approved_by = get_user_display_name(interval.approved_by)
    return f"{shown}, approved by {approved_by} on {_when(interval.approved_at)}"
