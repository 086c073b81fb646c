"""What happens when a workflow is approved (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Wagtail imports this while ``wagtail.models`` is still loading, so it must not import models
at module level.
"""


def publish_approved(workflow_state, user=None):
    """Publish the latest revision of what the workflow approved.

    Wagtail's default also publishes the latest revision, but as the approving user, which fails
    unless the approver holds ``publish`` permission. Here the approval itself is the permission:
    medical reviewers approve articles they could never publish from the edit view.
    """
    obj = workflow_state.content_object
    # Approving may have saved a revision (MedicalReviewTask.record_review) after this object was
    # loaded, so read which revision is latest afresh.
    obj.refresh_from_db(fields=["latest_revision"])
    obj.get_latest_revision().publish(user=user, skip_permission_checks=True)
