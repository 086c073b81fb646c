"""Log the publish that 0013 made when it kept each existing clinician, condition and treatment
live, as Wagtail logs any publish (``wagtail.publish`` naming the live revision, no user), dated
when 0013 ran. The publication history (``articles.publication_history``) and the snippet's
*History* then show those rows live from that moment, not never live.

Only rows whose live revision no publish names are logged, so running it again adds nothing.
"""

import uuid

from django.db import migrations

REVIEWED = ("clinician", "condition", "treatment")


def log_migrated_publishes(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ModelLogEntry = apps.get_model("wagtailcore", "ModelLogEntry")
    for model_name in REVIEWED:
        model = apps.get_model("articles", model_name)
        content_type, _ = ContentType.objects.get_or_create(app_label="articles", model=model_name)
        published = ModelLogEntry.objects.filter(
            content_type=content_type, action="wagtail.publish", revision__isnull=False
        ).values_list("revision_id", flat=True)
        rows = model.objects.filter(live=True, live_revision__isnull=False).exclude(
            live_revision__in=published
        )
        for obj in rows.select_related("live_revision"):
            ModelLogEntry.objects.create(
                content_type=content_type,
                object_id=str(obj.pk),
                label=obj.live_revision.object_str or obj.name,
                action="wagtail.publish",
                data={},
                timestamp=obj.first_published_at or obj.live_revision.created_at,
                uuid=uuid.uuid4(),
                revision=obj.live_revision,
                content_changed=True,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_clinician_medical_specialty"),
    ]

    operations = [migrations.RunPython(log_migrated_publishes, migrations.RunPython.noop)]
