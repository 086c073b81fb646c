"""Medical review: nothing medical goes live until a medical reviewer approves it.

How it fits together:

- The ``articles`` data migration creates the groups (Editors, Medical reviewers, Publishers),
  a "Medical review" :class:`~articles.models.MedicalReviewTask` for the Medical reviewers and
  a "Medical review" workflow holding it.
- Whenever an :class:`~articles.models.ArticleIndexPage` is created (``post_save`` with
  ``created=True``, so ``load_demo_content``, the admin and test factories all get it),
  :func:`ensure_review_workflow` assigns that workflow to it and gives each group its page
  permissions there.
- Approving the task records the approver's clinician and today's date on the article in a new
  revision (:func:`record_review`); the workflow then publishes that revision
  (``WAGTAIL_FINISH_WORKFLOW_ACTION``, see :mod:`articles.workflows`).
- :class:`ArticlePermissionTester` and :class:`ArticleIndexPermissionTester` keep the Publish
  button (on editing and on creating an article) away from everyone but superusers, so holding
  ``publish`` on the index (Publishers, Wagtail's default Moderators) means being able to
  unpublish or unschedule an article, never to put one live without review.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from wagtail.models import (
    GroupPagePermission,
    Page,
    PagePermissionTester,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import (
    ArticleIndexPage,
    ArticlePage,
    Clinician,
    MedicalReviewTask,
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

REVIEW_LOG_ACTION = "articles.medical_review"


class ArticlePermissionTester(PagePermissionTester):
    """An article goes live when a medical reviewer approves it, not from the Publish button.

    Only superusers may publish an article directly. Other users' ``publish`` permission still
    lets them unpublish, unschedule and set privacy on articles.
    """

    def _holds_publish(self):
        return super().can_publish()

    def can_publish(self):
        return self.user.is_superuser and self._holds_publish()

    def can_unschedule(self):
        return self._holds_publish()

    def can_set_view_restrictions(self):
        return self._holds_publish()


class ArticleIndexPermissionTester(PagePermissionTester):
    """Creating an article and publishing it in one go would skip review: superusers only."""

    def can_publish_subpage(self):
        return self.user.is_superuser and super().can_publish_subpage()


def record_review(task_state, user):
    """Record ``user``'s clinician as the reviewer of the article under review, dated today.

    Saves a new revision on top of the latest one, since that is the revision the workflow
    publishes, and moves ``task_state`` onto it so the approval stands for what goes live. Does
    nothing when the approver has no clinician profile or the page is not an article.
    Returns the new revision, or None.
    """
    clinician = Clinician.objects.filter(user=user).first() if user else None
    page = task_state.workflow_state.content_object.specific
    if clinician is None or not isinstance(page, ArticlePage):
        return None

    article = page.get_latest_revision_as_object()
    article.reviewer = clinician
    article.last_reviewed = timezone.localdate()
    # The content was validated when it was saved; recording the review must not fail on it.
    revision = article.save_revision(user=user, log_action=REVIEW_LOG_ACTION, clean=False)
    task_state.revision = revision
    task_state.save(update_fields=["revision"])
    return revision


def review_workflow():
    """The "Medical review" workflow, created with its task and group if it has gone missing."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is None:
        reviewers, _ = Group.objects.get_or_create(name=MEDICAL_REVIEWERS)
        task = MedicalReviewTask.objects.create(name=WORKFLOW_NAME)
        task.groups.add(reviewers)
        workflow = Workflow.objects.create(name=WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
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


@receiver(post_save, sender=ArticleIndexPage)
def review_new_index(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        ensure_review_workflow(instance)


def articles_due_for_review():
    """Live articles whose medical review is due, never-reviewed first, then oldest review first.

    Due means never reviewed, or reviewed longer ago than ``MEDICAL_REVIEW_INTERVAL_DAYS``.
    Drafts are left out: what is due is what readers can see.
    """
    cutoff = timezone.localdate() - medical_review_interval()
    return (
        ArticlePage.objects.live()
        .filter(Q(last_reviewed__isnull=True) | Q(last_reviewed__lt=cutoff))
        .select_related("reviewer")
        .order_by(F("last_reviewed").asc(nulls_first=True), "title", "pk")
    )
