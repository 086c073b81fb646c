"""wagtail-localize's ways of putting a translation live hold for everyone review binds.

Sync translated pages (``/admin/localize/update/<source>/``) offers *Publish immediately* only
to those who may publish every translation it would write; for everyone else it offers
*Submit for medical review* instead, and refuses a POST that asks to publish. The other paths
(start a translation, the translation editor's Publish, convert to an alias) are checked here
for an editor too.
"""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from wagtail.models import Locale, PageLogEntry
from wagtail_localize.models import Translation

from articles.models import ArticlePage
from tests.factories import ArticlePageFactory, ClinicianFactory, translate
from tests.test_medical_review import login, member_of, workflow_action_url

pytestmark = pytest.mark.django_db

ROLES = ["Editors", "Moderators", "Medical reviewers", "Publishers"]


@pytest.fixture
def english(article_index):
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
def spanish_draft(english):
    return translate(english, {"Living with migraine": "Vivir con migraña"})


def sync_url(page):
    translation = Translation.objects.get(
        source__object_id=page.translation_key, target_locale__language_code="es"
    )
    return reverse("wagtail_localize:update_translations", args=[translation.source_id])


def user_in(django_user_model, group_name):
    user = member_of(django_user_model, group_name)
    # Translating is wagtail-localize's submit_translation, which the Editors hold; give it to
    # every role so the view itself is what refuses, not its first permission check.
    user.user_permissions.add(*Permission.objects.filter(codename="submit_translation"))
    return user


def anonymous_status(client, page):
    client.logout()
    return client.get(f"/api/v2/pages/{page.pk}/").status_code


def test_an_editor_syncing_with_publish_ticked_puts_nothing_live(
    client, django_user_model, django_capture_on_commit_callbacks, english, spanish_draft
):
    editor = member_of(django_user_model, "Editors")
    assert anonymous_status(client, spanish_draft) == 404
    login(client, editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sync_url(english), {"publish_translations": "on"})
    spanish_draft.refresh_from_db()
    assert not spanish_draft.live
    assert anonymous_status(client, spanish_draft) == 404


@pytest.mark.parametrize("group_name", ROLES)
def test_publish_immediately_is_hidden_and_refused_for_anyone_review_binds(
    client,
    django_user_model,
    django_capture_on_commit_callbacks,
    english,
    spanish_draft,
    group_name,
):
    user = user_in(django_user_model, group_name)
    login(client, user)
    form = client.get(sync_url(english))
    assert form.status_code == 200
    assert 'name="publish_translations"' not in form.text
    assert "Publish immediately" not in form.text

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(sync_url(english), {"publish_translations": "on"})
    assert answer.status_code == 200
    assert "only through medical review" in answer.text
    spanish_draft.refresh_from_db()
    assert not spanish_draft.live
    assert anonymous_status(client, spanish_draft) == 404


def test_a_superuser_still_publishes_from_the_sync_and_the_log_names_them(
    client, django_user_model, django_capture_on_commit_callbacks, english, spanish_draft
):
    admin = django_user_model.objects.create_superuser("admin", password="not-used")
    login(client, admin)
    assert "Publish immediately" in client.get(sync_url(english)).text
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sync_url(english), {"publish_translations": "on"})
    spanish_draft.refresh_from_db()
    assert spanish_draft.live
    assert anonymous_status(client, spanish_draft) == 200
    entry = PageLogEntry.objects.filter(page=spanish_draft, action="wagtail.publish").get()
    assert entry.user == admin


def test_an_editor_syncs_into_a_draft_submitted_for_review(
    client, django_user_model, django_capture_on_commit_callbacks, english, spanish_draft
):
    editor = member_of(django_user_model, "Editors")
    english.title = "Living well with migraine"
    english.save_revision().publish()
    login(client, editor)
    form = client.get(sync_url(english))
    assert "Submit for medical review" in form.text
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(sync_url(english), {"submit_for_review": "on"}, follow=True)
    assert "was submitted for medical review" in answer.text
    spanish_draft.refresh_from_db()
    assert not spanish_draft.live and spanish_draft.workflow_in_progress
    assert spanish_draft.get_latest_revision_as_object().title == "Living well with migraine"
    assert anonymous_status(client, spanish_draft) == 404

    reviewer = member_of(django_user_model, "Medical reviewers")
    clinician = ClinicianFactory(name="Dra Revisora", user=reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        login(client, reviewer).post(workflow_action_url(spanish_draft, "approve"), {"comment": ""})
    spanish_draft.refresh_from_db()
    assert spanish_draft.live and spanish_draft.reviewer == clinician
    assert anonymous_status(client, spanish_draft) == 200


@pytest.mark.parametrize("group_name", ROLES)
def test_starting_a_translation_makes_a_draft(
    client, django_user_model, django_capture_on_commit_callbacks, english, group_name
):
    user = user_in(django_user_model, group_name)
    spanish = Locale.objects.get(language_code="es")
    url = reverse("wagtail_localize:submit_page_translation", args=[english.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(client, user).post(url, {"locales": [spanish.pk]})
    translated = ArticlePage.objects.get(translation_key=english.translation_key, locale=spanish)
    assert not translated.live
    assert anonymous_status(client, translated) == 404


@pytest.mark.parametrize("group_name", ROLES)
def test_the_translation_editor_publishes_for_nobody_review_binds(
    client, django_user_model, django_capture_on_commit_callbacks, spanish_draft, group_name
):
    user = user_in(django_user_model, group_name)
    url = reverse("wagtailadmin_pages:edit", args=[spanish_draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(client, user).post(url, {"action": "publish"})
    spanish_draft.refresh_from_db()
    assert not spanish_draft.live
    assert anonymous_status(client, spanish_draft) == 404


@pytest.mark.parametrize("group_name", ROLES)
def test_converting_a_draft_translation_to_a_live_alias_is_refused(
    client, django_user_model, django_capture_on_commit_callbacks, spanish_draft, group_name
):
    user = user_in(django_user_model, group_name)
    login(client, user)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[spanish_draft.pk]))
    assert "Convert to alias page" not in edit.text
    url = reverse("wagtail_localize:convert_to_alias", args=[spanish_draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url)
    assert answer.status_code in (302, 403)
    assert answer.status_code == 403 or answer["Location"] == reverse("wagtailadmin_home")
    spanish_draft.refresh_from_db()
    assert not spanish_draft.live and spanish_draft.alias_of_id is None
    assert anonymous_status(client, spanish_draft) == 404


def test_a_superuser_may_convert_a_translation_to_an_alias(
    client, django_user_model, django_capture_on_commit_callbacks, english, spanish_draft
):
    admin = django_user_model.objects.create_superuser("admin", password="not-used")
    url = reverse("wagtail_localize:convert_to_alias", args=[spanish_draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(client, admin).post(url)
    spanish_draft.refresh_from_db()
    assert spanish_draft.alias_of_id == english.pk and spanish_draft.live


def test_syncing_a_live_translation_into_review_leaves_the_live_version_as_it_was(
    client, django_user_model, django_capture_on_commit_callbacks, english, spanish_draft
):
    spanish_draft.save_revision().publish()
    english.title = "Living well with migraine"
    english.save_revision().publish()
    login(client, member_of(django_user_model, "Editors"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(sync_url(english), {"submit_for_review": "on"})
    spanish_draft.refresh_from_db()
    assert spanish_draft.workflow_in_progress
    assert spanish_draft.get_latest_revision_as_object().title == "Living well with migraine"
    client.logout()
    served = client.get(f"/api/v2/pages/{spanish_draft.pk}/").json()
    assert served["title"] == "Vivir con migraña"
