"""A translation is medical content: it goes live through medical review, reviewed on its own."""

import datetime
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail_localize.models import Translation

from articles.models import ArticlePage
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory, translate
from tests.test_medical_review import login, member_of, workflow_action_url

pytestmark = pytest.mark.django_db

SPANISH_BODY = [
    ("heading", {"text": "Qué ayuda", "level": "h2"}),
    ("paragraph", "<p>Caminar un poco cada día ayuda. Duerma bien. Beba agua.</p>"),
]


@pytest.fixture
def reviewed_english(article_index):
    article = ArticlePageFactory(
        parent=article_index,
        title="Living with migraine",
        slug="migraine",
        reviewer=ClinicianFactory(name="Dr English Reviewer"),
        last_reviewed=datetime.date(2025, 1, 10),
        body=[("paragraph", "<p>Walk a little every day. Sleep well.</p>")],
    )
    article.save_revision().publish()
    return article


@pytest.fixture
def spanish_draft(reviewed_english):
    return translate(
        reviewed_english,
        {
            "Living with migraine": "Vivir con migraña",
            "Walk a little every day. Sleep well.": "Camine un poco cada día. Duerma bien.",
        },
    )


def test_a_translation_starts_unreviewed_under_the_spanish_review_workflow(spanish_draft):
    assert isinstance(spanish_draft, ArticlePage) and not spanish_draft.live
    index = spanish_draft.get_parent()
    assert index.locale.language_code == "es"
    assert spanish_draft.get_workflow().name == "Medical review"
    assert spanish_draft.reviewer is None and spanish_draft.last_reviewed is None


def test_a_translator_submits_and_a_reviewer_approves_with_their_own_review(
    client, django_user_model, reviewed_english, spanish_draft
):
    translator = member_of(django_user_model, "Editors")
    assert not spanish_draft.permissions_for_user(translator).can_publish()
    # The explorer offers Submit for medical review on the translation.
    listing = login(client, translator).get(
        reverse("wagtailadmin_explore", args=[spanish_draft.get_parent().pk])
    )
    submit_url = reverse("articles_submit_translation", args=[spanish_draft.pk])
    assert submit_url in listing.text
    assert "Submit for medical review" in client.get(submit_url).text
    assert client.post(submit_url).status_code == 302
    spanish_draft.refresh_from_db()
    assert spanish_draft.workflow_in_progress and not spanish_draft.live
    assert client.get(f"/api/v2/pages/{spanish_draft.pk}/").status_code == 404
    # Already in review: the admin refuses (Wagtail's permission-denied redirect).
    assert client.post(submit_url)["Location"] == reverse("wagtailadmin_home")
    assert WorkflowState.objects.filter(object_id=str(spanish_draft.pk)).count() == 1

    reviewer = member_of(django_user_model, "Medical reviewers")
    clinician = ClinicianFactory(name="Dra Revisora", user=reviewer)
    login(client, reviewer).post(workflow_action_url(spanish_draft, "approve"), {"comment": ""})
    spanish_draft.refresh_from_db()
    assert spanish_draft.live
    assert spanish_draft.reviewer == clinician
    assert spanish_draft.last_reviewed == timezone.localdate()
    reviewed_english.refresh_from_db()
    assert reviewed_english.reviewer.name == "Dr English Reviewer"
    assert reviewed_english.last_reviewed == datetime.date(2025, 1, 10)

    # Syncing a later change of the source keeps the translation's own review.
    reviewed_english.title = "Living well with migraine"
    reviewed_english.save_revision().publish()
    synced = translate(reviewed_english)
    assert synced.reviewer == clinician and synced.last_reviewed == timezone.localdate()


def test_a_translator_cannot_publish_from_the_translation_editor(
    client, django_user_model, spanish_draft
):
    translator = member_of(django_user_model, "Editors")
    translation = Translation.objects.get(
        source__object_id=spanish_draft.translation_key, target_locale=spanish_draft.locale
    )
    url = reverse("wagtailadmin_pages:edit", args=[spanish_draft.pk])
    login(client, translator).post(url, {"action": "publish"})
    spanish_draft.refresh_from_db()
    assert not spanish_draft.live
    assert translation.enabled


def test_spanish_is_graded_with_fernandez_huerta_against_its_own_target(
    client, site, article_index
):
    clinic = ClinicSettings.for_site(site)
    clinic.target_reading_ease_es = 70
    clinic.save()
    english = ArticlePageFactory(parent=article_index, slug="walk", title="Walk", body=[])
    english.save_revision().publish()
    spanish = translate(english, publish=True)
    spanish.body = SPANISH_BODY
    spanish.save_revision().publish()
    spanish.refresh_from_db()
    assert spanish.readability["formula"] == "fernandez_huerta"
    assert spanish.readability["grade_level"] > 70  # short, plain sentences read easily
    assert spanish.readability["smog_index"] is None
    data = client.get(f"/api/v2/pages/{spanish.pk}/").json()["readability"]
    assert data["formula"] == "fernandez_huerta"
    assert data["target_grade"] == 70
    assert data["sections"][0]["anchor"] == "que-ayuda"
    english_data = client.get(f"/api/v2/pages/{english.pk}/").json()["readability"]
    assert english_data["formula"] == "flesch_kincaid_grade"
    assert english_data["target_grade"] == 8


def test_reports_cover_every_language(client, django_user_model, reviewed_english, spanish_draft):
    spanish_draft.get_latest_revision().publish()
    admin = django_user_model.objects.create_superuser("admin", password="not-used")
    login(client, admin)
    due = client.get(reverse("articles_reviews_due"))
    assert "Vivir con migraña" in due.text and "español" in due.text.lower()
    health = client.get(reverse("articles_content_health"))
    assert "Vivir con migraña" in health.text and "Living with migraine" in health.text
    assert "español" in health.text.lower()


def test_import_into_the_spanish_tree(tmp_path, spanish_draft):
    (tmp_path / "dolor.md").write_text("# Dolor de espalda\n\nCamine un poco cada día.\n")
    call_command("import_articles", str(tmp_path), "--parent", "/articles/", "--locale", "es")
    imported = ArticlePage.objects.get(slug="dolor-de-espalda")
    assert imported.locale.language_code == "es"
    assert imported.get_parent().pk == spanish_draft.get_parent().pk
    assert imported.readability["formula"] == "fernandez_huerta"
    assert not imported.live


def test_a_reviewer_reads_the_translation_beside_its_source(
    client, django_user_model, reviewed_english, spanish_draft
):
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    # The translation's row in the Spanish articles index has it among its actions.
    listing = client.get(reverse("wagtailadmin_explore", args=[spanish_draft.get_parent().pk]))
    url = reverse("articles_beside_source", args=[spanish_draft.pk])
    assert url in listing.content.decode()

    page = client.get(url)

    assert page.status_code == 200
    frames = [frame["src"] for frame in BeautifulSoup(page.content, "html.parser")("iframe")]
    reviewed_english.refresh_from_db()
    assert frames == [
        reverse(
            "wagtailadmin_pages:revisions_view",
            args=[reviewed_english.pk, reviewed_english.live_revision_id],
        ),
        reverse(
            "wagtailadmin_pages:revisions_view",
            args=[spanish_draft.pk, spanish_draft.get_latest_revision().pk],
        ),
    ]
    source, draft = (client.get(frame).content.decode() for frame in frames)
    assert "Living with migraine" in source and "Vivir con migraña" not in source
    assert "Vivir con migraña" in draft


def test_only_a_translation_has_a_source_to_read_beside(
    client, django_user_model, reviewed_english, spanish_draft
):
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    english = client.get(reverse("articles_beside_source", args=[reviewed_english.pk]))
    assert (english.status_code, english.get("Location")) in [(403, None), (302, "/admin/")]
    client.logout()
    anonymous = client.get(reverse("articles_beside_source", args=[spanish_draft.pk]))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def editor_props(client, page):
    """The props wagtail-localize's translation editor (a React app) is drawn from."""
    answer = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert answer.status_code == 200
    element = BeautifulSoup(answer.content, "html.parser").find(attrs={"data-props": True})
    return json.loads(element["data-props"])


def test_the_translation_editors_preview_shows_it_beside_its_source(
    client, django_user_model, reviewed_english, spanish_draft
):
    client.force_login(member_of(django_user_model, "Medical reviewers"))
    translation = Translation.objects.get(
        source__object_id=spanish_draft.translation_key, target_locale=spanish_draft.locale
    )
    preview_url = reverse("wagtail_localize:preview_translation", args=[translation.pk])
    # The editor's Preview button (its footer, opening a new tab) goes there.
    assert [mode["url"] for mode in editor_props(client, spanish_draft)["previewModes"]] == [
        preview_url
    ]

    answer = client.get(preview_url)

    assert answer.status_code == 200
    frames = [frame["src"] for frame in BeautifulSoup(answer.content, "html.parser")("iframe")]
    reviewed_english.refresh_from_db()
    assert frames == [
        reverse(
            "wagtailadmin_pages:revisions_view",
            args=[reviewed_english.pk, reviewed_english.live_revision_id],
        ),
        reverse("articles_translation_preview", args=[translation.pk]),
    ]
    source, draft = (client.get(frame) for frame in frames)
    assert source.status_code == draft.status_code == 200
    assert "Walk a little every day" in source.content.decode()
    assert "Camine un poco cada día" in draft.content.decode()
    assert "Walk a little every day" not in draft.content.decode()


def test_only_who_may_edit_the_translation_sees_its_preview(
    client, django_user_model, spanish_draft
):
    translation = Translation.objects.get(
        source__object_id=spanish_draft.translation_key, target_locale=spanish_draft.locale
    )
    urls = [
        reverse("wagtail_localize:preview_translation", args=[translation.pk]),
        reverse("articles_translation_preview", args=[translation.pk]),
    ]
    for url in urls:
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"], url
    # Into the admin, without permission on the Spanish articles.
    stranger = django_user_model.objects.create_user("stranger", password="x")
    stranger.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(stranger)
    for url in urls:
        answer = client.get(url)
        assert answer.status_code in (302, 403), url
        assert "Camine" not in answer.content.decode()
