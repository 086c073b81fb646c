"""Editors translate articles: they may start translations (wagtail-localize's permission)."""

from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label="wagtail_localize", codename="submit_translation"
    ).first()
    editors = Group.objects.filter(name="Editors").first()
    if permission and editors:
        editors.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    editors = Group.objects.filter(name="Editors").first()
    if editors:
        editors.permissions.remove(
            *editors.permissions.filter(
                content_type__app_label="wagtail_localize", codename="submit_translation"
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_translatable"),
        ("wagtail_localize", "0006_create_submit_translation_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
