"""Existing clinicians and terms are English, each the source of its own translations."""

from django.db import migrations
from wagtail.models import BootstrapTranslatableModel


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0008_translatable_bootstrap"),
        ("home", "0005_spanish_locale_backfill"),
    ]

    operations = [
        BootstrapTranslatableModel("articles.Clinician", language_code="en"),
        BootstrapTranslatableModel("articles.Condition", language_code="en"),
        BootstrapTranslatableModel("articles.Treatment", language_code="en"),
    ]
