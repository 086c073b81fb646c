"""The demo's medical content goes live as people put it live: through the Medical review
workflow, submitted and approved by the demo reviewer.

Clinicians, conditions and treatments, and the Spanish translations, are drafts until then, so
the demo shows the same history (revisions, an approved workflow) an editor's work would have.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from articles.review import MEDICAL_REVIEWERS

from .content.spanish import REVIEWER_USERNAME


def reviewer_account():
    """The demo reviewer: a Medical reviewers member without a password (nobody signs in as
    it)."""
    user, created = get_user_model().objects.get_or_create(username=REVIEWER_USERNAME)
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=MEDICAL_REVIEWERS))
    return user


def link_clinician(user, clinician):
    """Make ``clinician`` the profile of ``user``, who then is recorded on what they approve."""
    if clinician.user_id is None and not hasattr(user, "clinician"):
        clinician.user = user
        clinician.save(update_fields=["user"])


def publish_through_review(obj, reviewer):
    """Put ``obj`` live through its workflow: its latest draft (``obj`` itself, saved as a new
    draft, if it has none) submitted and approved by ``reviewer``. Returns ``obj``, live."""
    if obj.pk is None:
        obj.live = False  # the admin creates it so: a draft until published
        obj.save()
    if obj.latest_revision_id is None:
        obj.save_revision(user=reviewer)
    obj.get_workflow().start(obj, reviewer)
    task_state = obj.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    obj.refresh_from_db()
    return obj
