"""The Spanish locale beside the English one, and the existing settings filed under English."""

from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for language_code in ("en", "es"):
        Locale.objects.get_or_create(language_code=language_code)


class Migration(migrations.Migration):
    dependencies = [("home", "0004_translatable_bootstrap")]

    operations = [
        migrations.RunPython(create_locales, migrations.RunPython.noop),
        BootstrapTranslatableModel("home.ClinicSettings", language_code="en"),
    ]
