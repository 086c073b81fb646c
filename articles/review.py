"""Medical review: nothing medical goes live until a medical reviewer approves it.

How it fits together:

- The ``articles`` data migration creates the groups (Editors, Medical reviewers, Publishers),
  a "Medical review" :class:`~articles.models.MedicalReviewTask` for the Medical reviewers and
  a "Medical review" workflow holding it.
- Whenever an :class:`~articles.models.ArticleIndexPage` is created (``post_save`` with
  ``created=True``, so ``load_demo_content``, the admin and test factories all get it),
  :func:`ensure_review_workflow` assigns that workflow to it and gives each group its page
  permissions there.
  The handler is in :mod:`articles.signal_handlers`.
- Approving the task records the approver's clinician and today's date on the article in a new
  revision (:meth:`~articles.models.MedicalReviewTask.record_review`); the workflow then
  publishes that revision (``WAGTAIL_FINISH_WORKFLOW_ACTION``, see :mod:`articles.workflows`).
- :mod:`articles.permissions` keeps the Publish button away from everyone but superusers.
- Clinicians, conditions and treatments (:data:`REVIEWED_SNIPPETS`) are drafts until the same
  workflow approves them: the data migration (and :func:`review_workflow`, should the workflow
  be made again) assigns it to their content types; their permission policy
  (:class:`~articles.permissions.ReviewedSnippetPermissionPolicy`) keeps Publish to superusers.
- Whatever goes live without a reviewer's approval of that very revision (a superuser's
  Publish, copy or scheduled go-live) is written in its history as "Published without medical
  review" (:func:`log_publish_without_review`, connected in :mod:`articles.signal_handlers`).
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from wagtail.log_actions import get_active_log_context, log
from wagtail.models import (
    GroupPagePermission,
    Page,
    TaskState,
    Workflow,
    WorkflowContentType,
    WorkflowPage,
    WorkflowTask,
)

from .models import (
    PUBLISH_WITHOUT_REVIEW_LOG_ACTION,
    ArticlePage,
    Clinician,
    Condition,
    MedicalReviewTask,
    Treatment,
    medical_review_interval,
)

WORKFLOW_NAME = "Medical review"
EDITORS = "Editors"
MEDICAL_REVIEWERS = "Medical reviewers"
PUBLISHERS = "Publishers"

PAGE_PERMISSIONS = {
    # Write and submit for review; publishing is not theirs.
    EDITORS: ["add", "change"],
    # Approve or reject through the workflow; edit to fix wording while reviewing.
    MEDICAL_REVIEWERS: ["change"],
    # Look after the section: publish the index page itself, take articles down, unlock them.
    PUBLISHERS: ["add", "change", "publish", "lock", "unlock"],
}
"""Page permissions each group holds on an articles index, by Wagtail action name."""

REVIEWED_SNIPPETS = (Clinician, Condition, Treatment)
"""Snippets whose text is medical: they go live through the Medical review workflow."""


def review_workflow():
    """The "Medical review" workflow, created with its task and group if it has gone missing."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        reviewers, _ = Group.objects.get_or_create(name=MEDICAL_REVIEWERS)
        task = MedicalReviewTask.objects.create(name=WORKFLOW_NAME)
        task.groups.add(reviewers)
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        for model in REVIEWED_SNIPPETS:
            WorkflowContentType.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(model),
                defaults={"workflow": workflow},
            )
    return workflow


def ensure_review_workflow(index_page):
    """Put ``index_page`` and every article under it through medical review; safe to repeat.

    Assigns the "Medical review" workflow to the page (unless it already has a workflow of its
    own) and gives Editors, Medical reviewers and Publishers their permissions on it.
    """
    WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": review_workflow()})
    page_type = ContentType.objects.get_for_model(Page)
    for group_name, actions in PAGE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for action in actions:
            permission = Permission.objects.get(content_type=page_type, codename=f"{action}_page")
            GroupPagePermission.objects.get_or_create(
                group=group, page=index_page, permission=permission
            )


def approved_in_review(revision):
    """Whether a member of Medical reviewers approved ``revision`` in a Medical review task.

    An approval stands for the revision the workflow publishes
    (:meth:`~articles.models.MedicalReviewTask.record_review` moves it there), so this holds
    for what approval put live, now or at its scheduled time, and for nothing else.
    """
    return TaskState.objects.filter(
        revision=revision,
        status=TaskState.STATUS_APPROVED,
        task__in=MedicalReviewTask.objects.all(),
        finished_by__groups__name=MEDICAL_REVIEWERS,
    ).exists()


def log_publish_without_review(instance, revision):
    """Write "Published without medical review" in ``instance``'s history, unless a reviewer
    approved ``revision``. Call it once ``instance`` is live with ``revision``.

    The user is whoever is acting in the admin (Wagtail's log context), or, when nobody is (a
    scheduled go-live run by ``publish_scheduled``, a publish deferred to the commit), the
    author of the revision: the superuser who scheduled it.
    """
    # Wagtail sends the published signals when it schedules a revision too; only going live
    # counts here.
    if revision is None or not instance.live or approved_in_review(revision):
        return
    log(
        instance=instance,
        action=PUBLISH_WITHOUT_REVIEW_LOG_ACTION,
        user=get_active_log_context().user or revision.user,
        revision=revision,
        data={"revision": {"id": revision.pk, "author": revision.user_id}},
    )


def review_due():
    """Never reviewed, or reviewed longer ago than ``MEDICAL_REVIEW_INTERVAL_DAYS``."""
    cutoff = timezone.localdate() - medical_review_interval()
    return Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff)


def articles_due_for_review():
    """Live articles whose medical review is due, never-reviewed first, then oldest review first.

    Due means never reviewed, or reviewed longer ago than ``MEDICAL_REVIEW_INTERVAL_DAYS``.
    Drafts are left out: what is due is what readers can see.
    """
    return (
        ArticlePage.objects.live()
        .filter(review_due())
        .select_related("reviewer")
        .order_by(F("last_reviewed").asc(nulls_first=True), "title", "pk")
    )


def last_approval(model):
    """The day a medical reviewer last approved each ``model`` object (None if never), as a
    subquery: when its latest approved Medical review task finished.

    Snippets carry no review fields of their own; the workflow's record is their review.
    """
    approvals = TaskState.objects.filter(
        workflow_state__base_content_type=ContentType.objects.get_for_model(model),
        workflow_state__object_id=Cast(OuterRef("pk"), output_field=CharField()),
        task__content_type=ContentType.objects.get_for_model(MedicalReviewTask),
        status=TaskState.STATUS_APPROVED,
    )
    latest = approvals.order_by("-finished_at").annotate(day=TruncDate("finished_at"))
    return Subquery(latest.values("day")[:1])


def snippets_due_for_review():
    """Live clinicians, conditions and treatments whose medical review is due, by the rule of
    articles' (never approved, or approved longer ago than ``MEDICAL_REVIEW_INTERVAL_DAYS``),
    never-approved first, then the oldest approval.

    Each carries ``last_reviewed`` (the day of its latest approval) and ``next_review_date``.
    Rows that were live before snippets went under review count as never reviewed.
    """
    cutoff = timezone.localdate() - medical_review_interval()
    due = []
    for model in REVIEWED_SNIPPETS:
        due.extend(
            model.objects.filter(live=True)
            .annotate(last_reviewed=last_approval(model))
            .filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff))
            .select_related("locale")
        )
    for snippet in due:
        reviewed = snippet.last_reviewed
        snippet.next_review_date = reviewed + medical_review_interval() if reviewed else None
    return sorted(
        due,
        key=lambda snippet: (
            snippet.last_reviewed is not None,
            snippet.last_reviewed or cutoff,
            snippet.name,
            snippet._meta.model_name,
            snippet.pk,
        ),
    )
