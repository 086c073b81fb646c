"""What was live when: a page's or reviewed snippet's publication history, read from Wagtail's
own records.

Wagtail logs every publish of a page (``wagtail.publish``, naming the revision that went live)
and every unpublish (``wagtail.unpublish``; ``wagtail.unpublish.scheduled`` when an expiry date
passes) in the page's history, and keeps every revision. A live interval runs from a publish to
the next publish or unpublish, and its content is the revision that publish named. The medical
review that let it go live is the approved workflow task (``TaskState``) of that very revision:
:meth:`articles.models.MedicalReviewTask.record_review` moves the approval onto the revision it
saves with the reviewer and date, which is the one the workflow publishes
(:mod:`articles.workflows`). Nothing here is a second copy of the content.

The history is as good as those records: a page made live without Wagtail's publish (a ``live``
flag saved in code) has no interval, and a revision removed by ``purge_revisions`` leaves its
interval without content (``revision`` is None). An alias (wagtail-localize's untranslated
pages) shows its original's history from the moment it was made.

A reviewed snippet (``articles.models.ReviewedSnippet``: a condition, treatment or clinician) has
the same history: Wagtail logs its publishes and unpublishes as ``ModelLogEntry`` rows, read
here through the same log registry, and its approvals are task states on its revisions. It
carries no reviewer or review date of its own, so its intervals' ``reviewer`` and
``last_reviewed`` are None; the approval is its record. Rows that were live when snippets went
under review are live from then (migration 0016 logs the publish migration 0013 made).
"""

import dataclasses
import datetime

from django.utils.dateparse import parse_date
from wagtail.log_actions import registry as log_registry
from wagtail.models import Revision, TaskState

from .models import REVIEW_LOG_ACTION, Clinician

PUBLISH_ACTIONS = frozenset({"wagtail.publish"})
UNPUBLISH_ACTIONS = frozenset({"wagtail.unpublish", "wagtail.unpublish.scheduled"})


@dataclasses.dataclass(frozen=True)
class LiveInterval:
    """One stretch of time during which one revision of a page or snippet was what visitors got.

    ``live_until`` is None while it is live still. ``approved_by`` and ``approved_at`` are the
    medical review task's approval of this revision (None when it went live without one: a
    superuser's publish, a page outside review). ``reviewer`` is the clinician that approval
    recorded on the revision (None when the approver had no clinician profile).
    ``last_reviewed`` is the date the revision carried.
    """

    live_from: datetime.datetime
    live_until: datetime.datetime | None
    revision_id: int | None
    revision: Revision | None
    published_by: object | None
    approved_by: object | None
    approved_at: datetime.datetime | None
    reviewer: Clinician | None
    last_reviewed: datetime.date | None

    def contains(self, at):
        return self.live_from <= at and (self.live_until is None or at < self.live_until)

    def as_live(self, obj):
        """``obj`` as visitors got it then: this interval's revision, as Wagtail's publish left
        it (for an alias, its original's revision on the alias's own place and language)."""
        live = obj.with_content_json(self.revision.content)
        if getattr(obj, "alias_of_id", None):
            # An alias keeps its own slug where it is (as Page.update_aliases leaves it).
            live.slug, live.url_path = obj.slug, obj.url_path
        obj = live
        # What publishing set on the live row, which the revision saved before it lacks.
        obj.live = True
        obj.live_revision_id = self.revision_id
        obj.last_published_at = self.live_from
        return obj


def publication_history(obj):
    """Every live interval of ``obj`` (a page or reviewed snippet), oldest first."""
    if getattr(obj, "alias_of_id", None):
        return _alias_history(obj)
    entries = list(
        log_registry.get_logs_for_instance(obj)
        .filter(action__in=PUBLISH_ACTIONS | UNPUBLISH_ACTIONS)
        .select_related("user")
        .order_by("timestamp", "pk")
    )
    spans = []  # (publish entry, when it stopped being live)
    for entry in entries:
        if spans and spans[-1][1] is None:
            # A publish replaces what was live; an unpublish ends it.
            spans[-1][1] = entry.timestamp
        if entry.action in PUBLISH_ACTIONS:
            spans.append([entry, None])
    revision_ids = {entry.revision_id for entry, _ in spans if entry.revision_id}
    revisions = Revision.objects.in_bulk(revision_ids)
    approvals = _approvals(revision_ids)
    recorded = _reviews_recorded(obj, revision_ids)
    reviewers = Clinician.objects.in_bulk(
        {_reviewer_id(revisions[pk]) for pk in recorded if pk in revisions} - {None}
    )
    intervals = []
    for entry, until in spans:
        revision = revisions.get(entry.revision_id)
        approval = approvals.get(entry.revision_id)
        content = revision.content if revision else {}
        intervals.append(
            LiveInterval(
                live_from=entry.timestamp,
                live_until=until,
                revision_id=entry.revision_id,
                revision=revision,
                published_by=entry.user,
                approved_by=approval.finished_by if approval else None,
                approved_at=approval.finished_at if approval else None,
                reviewer=reviewers.get(_reviewer_id(revision))
                if approval and entry.revision_id in recorded
                else None,
                last_reviewed=_date(content.get("last_reviewed")),
            )
        )
    return intervals


def as_of(obj, at):
    """The :class:`LiveInterval` of ``obj`` live at the aware datetime ``at``, or None."""
    return next((interval for interval in publication_history(obj) if interval.contains(at)), None)


def _alias_history(alias):
    """An alias has no revisions of its own: Wagtail publishes its original's content to it
    (wagtail-localize's untranslated pages in another language's tree are aliases). Its
    intervals are its original's, from the moment the alias was made."""
    made = (
        log_registry.get_logs_for_instance(alias)
        .order_by("timestamp", "pk")
        .values_list("timestamp", flat=True)
        .first()
    )
    intervals = []
    for interval in publication_history(alias.alias_of):
        if made is not None and interval.live_until is not None and interval.live_until <= made:
            continue
        if made is not None and interval.live_from < made:
            interval = dataclasses.replace(interval, live_from=made)
        intervals.append(interval)
    return intervals


def _approvals(revision_ids):
    """``{revision id: the last approved task state of it}``."""
    approvals = {}
    task_states = (
        TaskState.objects.filter(revision_id__in=revision_ids, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("finished_at", "pk")
    )
    for task_state in task_states:
        approvals[task_state.revision_id] = task_state
    return approvals


def _reviews_recorded(obj, revision_ids):
    """The ids of the revisions an approval saved with its reviewer and date."""
    return set(
        log_registry.get_logs_for_instance(obj)
        .filter(action=REVIEW_LOG_ACTION, revision_id__in=revision_ids)
        .values_list("revision_id", flat=True)
    )


def _reviewer_id(revision):
    return (revision.content or {}).get("reviewer") if revision else None


def _date(value):
    return parse_date(value) if isinstance(value, str) else None
