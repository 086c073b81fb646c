"""ContactPage.intro becomes rich text: plain text turns into paragraphs, in pages and revisions.

Forwards, the text is escaped and each run of lines separated by a blank line becomes a
``<p>`` (a single line break a ``<br>``), as Django's ``linebreaks`` does. Backwards, the tags
are stripped again: paragraphs become blank lines, line breaks and list items new lines.
"""

import html
import re

import wagtail.fields
from django.db import migrations
from django.utils.html import linebreaks, strip_tags


def text_to_html(text):
    text = text.strip()
    return linebreaks(text, autoescape=True) if text else ""


def html_to_text(rich_text):
    text = re.sub(r"<br\s*/?>", "\n", rich_text)
    text = re.sub(r"</(?:p|h[1-6]|ul|ol)>\s*", "\n\n", text)
    text = re.sub(r"</li>\s*", "\n", text)
    text = html.unescape(strip_tags(text))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def convert_intros(apps, convert):
    """Rewrite every contact page's intro, and the intro in each of their revisions."""
    ContactPage = apps.get_model("contact", "ContactPage")
    for page in ContactPage.objects.exclude(intro="").only("intro"):
        ContactPage.objects.filter(pk=page.pk).update(intro=convert(page.intro))

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="contact", model="contactpage").first()
    if content_type is None:  # a new database: no page was ever saved
        return
    for revision in Revision.objects.filter(content_type=content_type).only("content"):
        intro = revision.content.get("intro")
        if intro:
            revision.content["intro"] = convert(intro)
            revision.save(update_fields=["content"])


def plain_text_to_html(apps, schema_editor):
    convert_intros(apps, text_to_html)


def html_to_plain_text(apps, schema_editor):
    convert_intros(apps, html_to_text)


class Migration(migrations.Migration):
    dependencies = [
        ("contact", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="contactpage",
            name="intro",
            field=wagtail.fields.RichTextField(
                blank=True,
                help_text="Shown above the form, e.g. when to expect a reply.",
                max_length=1000,
            ),
        ),
        migrations.RunPython(plain_text_to_html, html_to_plain_text),
    ]
