"""Clinicians, conditions and treatments go through the Medical review workflow.

Rows that exist are what patients see today: they stay live, each with a first revision that is
its live one, so the admin's history, comparisons and the workflow start from it. The workflow
name is a frozen copy of articles.review's.
"""

from django.db import migrations
from django.utils import timezone
from modelcluster.models import get_serializable_data_for_fields

WORKFLOW_NAME = "Medical review"
REVIEWED = ("clinician", "condition", "treatment")


def review_snippets(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")

    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    now = timezone.now()
    for model_name in REVIEWED:
        model = apps.get_model("articles", model_name)
        content_type, _ = ContentType.objects.get_or_create(
            app_label="articles", model=model_name
        )
        if workflow is not None:
            WorkflowContentType.objects.get_or_create(
                content_type=content_type, defaults={"workflow": workflow}
            )
        for obj in model.objects.filter(latest_revision__isnull=True):
            obj.live = True
            obj.has_unpublished_changes = False
            obj.first_published_at = obj.last_published_at = now
            revision = Revision.objects.create(
                content_type=content_type,
                base_content_type=content_type,
                object_id=str(obj.pk),
                created_at=now,
                object_str=obj.name,
                content=get_serializable_data_for_fields(obj),
            )
            obj.latest_revision = obj.live_revision = revision
            obj.save(
                update_fields=[
                    "live",
                    "has_unpublished_changes",
                    "first_published_at",
                    "last_published_at",
                    "latest_revision",
                    "live_revision",
                ]
            )


def unreview_snippets(apps, schema_editor):
    # The revisions stay: workflow states and log entries may point to them, and without the
    # columns 0012 adds (reversed next) nothing reads them.
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowContentType.objects.filter(
        content_type__app_label="articles", content_type__model__in=REVIEWED
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_reviewed_snippets"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(review_snippets, unreview_snippets)]
