"""The admin's Import articles: upload on an articles index, read the outline, create drafts."""

import html
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import Collection

from articles.models import ArticlePage
from tests.test_import_articles import blocks
from tests.test_import_word import clinician_document


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user("editor", password="x")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def upload(path):
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_an_editor_sees_the_outline_then_gets_drafts_and_lands_in_the_editor(
    client, editor, article_index, tmp_path
):
    client.force_login(editor)
    url = reverse("articles_import", args=[article_index.pk])
    explore = client.get(reverse("wagtailadmin_explore", args=[article_index.pk]))
    assert url in explore.content.decode()

    document = clinician_document(tmp_path / "nerve-pain.docx")
    notes = tmp_path / "notes.md"
    notes.write_text("# Sleep and pain\n\nRest helps the body recover from a flare.\n")
    shown = client.post(url, {"files": [upload(document), upload(notes)]})

    assert shown.status_code == 200
    page = shown.content.decode()
    assert "title: Living well with nerve pain" in page
    assert "accordion (2 items)" in page
    assert "image-2.png has no alt text" in page
    assert "1 comment(s) were left out" in page
    assert "title: Sleep and pain" in page
    assert "Create 2 drafts" in page
    assert not ArticlePage.objects.exists()  # nothing saved before the editor says so
    assert not get_image_model().objects.exists()

    created = client.post(url, {"token": shown.context["token"]})

    first = ArticlePage.objects.get(title="Living well with nerve pain")
    assert created.status_code == 302
    assert created["Location"] == reverse("wagtailadmin_pages:edit", args=[first.pk])
    assert set(ArticlePage.objects.values_list("title", "live")) == {
        ("Living well with nerve pain", False),
        ("Sleep and pain", False),
    }
    editing = client.get(created["Location"])
    assert editing.status_code == 200
    assert "Nothing is published" in editing.content.decode()
    # The token is spent with its files.
    again = client.post(url, {"token": shown.context["token"]})
    assert again.status_code == 302
    assert ArticlePage.objects.count() == 2


def test_a_bad_file_shows_its_reason_and_nothing_can_be_created(
    client, editor, article_index, tmp_path
):
    client.force_login(editor)
    renamed = tmp_path / "report.docx"
    renamed.write_bytes(b"%PDF-1.7 a pdf renamed")
    url = reverse("articles_import", args=[article_index.pk])

    shown = client.post(url, {"files": [upload(renamed)]})

    page = shown.content.decode()
    assert "Cannot be imported: the file is not a Word document (.docx)" in page
    assert "Create" not in page.split("What the import found")[1]

    wrong_type = client.post(url, {"files": [SimpleUploadedFile("slides.pptx", b"PK")]})
    assert "slides.pptx: not a file the importer reads" in wrong_type.content.decode()


def test_only_those_who_may_add_articles_import_and_a_token_is_the_uploaders(
    client, editor, article_index, django_user_model, tmp_path
):
    url = reverse("articles_import", args=[article_index.pk])
    reviewer = django_user_model.objects.create_user("reviewer", password="x")
    reviewer.groups.add(Group.objects.get(name="Medical reviewers"))
    client.force_login(reviewer)
    refused = client.get(url)
    assert (refused.status_code, refused.get("Location")) in [(403, None), (302, "/admin/")]

    client.force_login(editor)
    notes = tmp_path / "notes.md"
    notes.write_text("# Sleep and pain\n\nRest helps the body recover from a flare.\n")
    token = client.post(url, {"files": [upload(notes)]}).context["token"]
    other = django_user_model.objects.create_user("other-editor", password="x")
    other.groups.add(Group.objects.get(name="Editors"))
    client.force_login(other)

    # Wagtail's admin answers PermissionDenied with a redirect to the dashboard and a message.
    for refused in [client.post(url, {"token": token}), client.post(url, {"token": "forged"})]:
        assert (refused.status_code, refused.get("Location")) in [(403, None), (302, "/admin/")]
    assert not ArticlePage.objects.exists()


def test_a_documents_images_go_to_the_collection_of_the_articles_index(
    client, editor, article_index, tmp_path
):
    """Word pictures become library images in the index's own collection, made when first needed,
    so a clinic's imported images do not pile up in the root collection."""
    client.force_login(editor)
    url = reverse("articles_import", args=[article_index.pk])
    document = clinician_document(tmp_path / "nerve-pain.docx")

    shown = client.post(url, {"files": [upload(document)]})
    client.post(url, {"token": shown.context["token"]})

    images = get_image_model().objects.all()
    assert images.count() == 2
    assert {
        (image.collection.name, image.collection.get_parent().is_root()) for image in images
    } == {("Articles", True)}
    # A second import under the same index finds the collection rather than making another.
    again = client.post(url, {"files": [upload(clinician_document(tmp_path / "again.docx"))]})
    client.post(url, {"token": again.context["token"]})
    assert Collection.objects.filter(name="Articles").count() == 1


WORD_FIXTURE = Path(__file__).parent / "fixtures" / "word" / "flare-up-plan.docx"


def test_a_document_saved_by_a_word_processor_imports_with_everything_reported(
    client, editor, article_index
):
    """flare-up-plan.docx was saved by LibreOffice (fixtures/word/README.md), not built by
    python-docx: its styles, numbering, notes, comment and tracked changes are a real writer's."""
    client.force_login(editor)
    url = reverse("articles_import", args=[article_index.pk])

    shown = client.post(url, {"files": [upload(WORD_FIXTURE)]})

    assert shown.status_code == 200
    outline = [
        html.unescape(line)
        for line in re.findall(
            r"<li>(.*?)</li>", shown.content.decode().split('class="import-outline"')[1]
        )
    ]
    page = html.unescape(shown.content.decode())
    assert "title: Your plan for a back pain flare-up" in outline
    # Inline formatting joins its neighbours, and a note's mark is no part of a card's summary.
    assert (
        "summary: A flare-up is a spell when your usual back pain becomes much worse for a few "
        "days. It is common, it usually settles, and a plan made in advance helps you stay in "
        "charge of it." in outline
    )
    headings = [line for line in outline if line.startswith("heading")]
    assert headings == [
        "heading h2: In the first two days",
        "heading h3: Breathing to settle a spasm",
        "heading h2: When to call us",
        "heading h2: Frequently asked questions",
    ]
    assert (
        'image: image-1.png (alt "A physiotherapist showing a patient a gentle knee-to-chest '
        'stretch")' in outline
    )
    assert "image: image-2.png (decorative)" in outline
    # A table's first cell does not run on from the paragraph before it.
    assert "paragraph (1 part, 20 words): Most flare-ups ease within a week. Call the…" in outline
    assert "paragraph (1 part, 1 word): Sign" in outline
    assert "accordion (2 items)" in page
    assert "references (3)" in page
    assert "[DOI 10.1126/science.150.3699.971]" in page
    assert "[PMID 30586067]" in page
    for warning in [
        "1 table(s): their text was imported as paragraphs",
        "tracked changes (1 insertion(s), 1 deletion(s)) were read as accepted",
        "1 comment(s) were left out",
        "image image-2.png has no alt text",
    ]:
        assert warning in page
    # Word processors' own character styles for note marks are no news to an editor.
    assert "Unrecognised run style" not in page

    created = client.post(url, {"token": shown.context["token"]})

    article = ArticlePage.objects.get(title="Your plan for a back pain flare-up")
    assert created["Location"] == reverse("wagtailadmin_pages:edit", args=[article.pk])
    latest = article.get_latest_revision_as_object()
    assert not article.live
    paragraphs = "".join(str(value.source) for value in blocks(latest, "paragraph"))
    assert "<strong>much worse</strong>" in paragraphs and "<em>common</em>" in paragraphs
    assert "<ul><li>Keep moving gently; short walks around the house count</li>" in paragraphs
    assert "<ol><li>Lie on your side with a pillow between your knees</li>" in paragraphs
    assert '<a href="https://clinic.example/articles/pacing/">pacing your activities</a>' in (
        paragraphs
    )
    assert "Try not to stay in bed for long: resting" in strip_tags(paragraphs)  # accepted
    assert "lie down until the pain has gone" not in str(latest.body.raw_data)  # deleted
    assert "out-of-hours number" not in str(latest.body.raw_data)  # the comment
    assert "Numbness between the legs" in paragraphs  # a table's text is kept
    images = blocks(latest, "image")
    assert [(image["alt_text"], image["decorative"]) for image in images] == [
        ("A physiotherapist showing a patient a gentle knee-to-chest stretch", False),
        ("", True),
    ]
    assert {image["image"].collection.name for image in images} == {"Articles"}
    (accordion,) = blocks(latest, "accordion")
    assert [item["title"] for item in accordion["items"]] == [
        "Does a flare-up mean my back is damaged?",
        "Should I stop my exercises?",
    ]
    (references,) = blocks(latest, "references")
    assert [(c["doi"], c["pmid"], c["url"]) for c in references] == [
        ("10.1126/science.150.3699.971", "", ""),
        ("", "30586067", ""),
        ("", "", "https://www.iasp-pain.org/resources/terminology/"),
    ]
