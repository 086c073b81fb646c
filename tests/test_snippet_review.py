"""Conditions, treatments and clinicians reach patients only through medical review.

Their text (a condition's description, a treatment's regulatory note, a clinician's bio and
credentials) shows on every article naming them and in /api/v2/conditions/ and /treatments/,
so an edit in the admin must wait for a medical reviewer's approval like an article's.
"""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Locale, TaskState
from wagtail_localize.operations import TranslationCreator

from articles.models import Clinician, Condition
from tests.factories import (
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
    TreatmentFactory,
)

pytestmark = pytest.mark.django_db

OLD_NOTE = "Ketamine is licensed as an anaesthetic."
NEW_NOTE = "Ketamine is licensed as an anaesthetic, not as a pain treatment."
OLD_DESCRIPTION = "Complex regional pain."
NEW_DESCRIPTION = "Complex regional pain syndrome: pain out of proportion to an injury."
OLD_BIO = "Pain physician."
NEW_BIO = "Pain physician with twenty years of practice."

FORM_FIELDS = {
    "treatment": ("name", "slug", "description", "regulatory_note"),
    "condition": ("name", "slug", "description"),
    "clinician": ("name", "credentials", "specialty", "photo", "bio", "npi", "profile_url", "user"),
}


def member_of(django_user_model, group_name):
    user = django_user_model.objects.create_user(
        username=group_name.lower().replace(" ", "-"), password="not-used"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "Editors")


@pytest.fixture
def publisher(django_user_model):
    return member_of(django_user_model, "Publishers")


@pytest.fixture
def reviewer(django_user_model):
    return member_of(django_user_model, "Medical reviewers")


@pytest.fixture
def ketamine():
    return TreatmentFactory(name="Ketamine infusion", slug="ketamine", regulatory_note=OLD_NOTE)


@pytest.fixture
def crps():
    return ConditionFactory(name="CRPS", slug="crps", description=OLD_DESCRIPTION)


@pytest.fixture
def author():
    return ClinicianFactory(name="Dr Ada Lovelace", bio=OLD_BIO)


@pytest.fixture
def article(article_index, ketamine, crps, author):
    page = ArticlePageFactory(parent=article_index, slug="ketamine-for-crps", author=author)
    page.conditions.set([crps])
    page.treatments.set([ketamine])
    page.save_revision().publish()
    return page


def snippet_url(obj, view, *args):
    return reverse(f"wagtailsnippets_articles_{obj._meta.model_name}:{view}", args=(obj.pk, *args))


def snippet_form(obj, action=None, **changes):
    """What the snippet's edit form posts when its fields are changed and ``action`` pressed
    (none: the default button, Save draft once the snippet has drafts)."""
    data = {}
    for name in FORM_FIELDS[obj._meta.model_name]:
        value = changes.get(name, getattr(obj, obj._meta.get_field(name).attname))
        data[name] = "" if value is None else value
    if action:
        data[f"action-{action}"] = action
    return data


def seen_by_anonymous(client, article):
    """The regulatory note, description and bio an anonymous visitor is served."""
    client.logout()
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    treatments = client.get("/api/v2/treatments/").json()["items"]
    conditions = client.get("/api/v2/conditions/").json()["items"]
    return {
        "article_note": [t["regulatory_note"] for t in detail["treatments"]],
        "listing_note": [t["regulatory_note"] for t in treatments],
        "article_description": [c["description"] for c in detail["conditions"]],
        "listing_description": [c["description"] for c in conditions],
        "bio": detail["author"]["bio"],
    }


EDITS = [
    pytest.param("ketamine", "editor", {"regulatory_note": NEW_NOTE}, id="treatment"),
    pytest.param("crps", "editor", {"description": NEW_DESCRIPTION}, id="condition"),
    # Editors only view clinicians; Publishers look after them.
    pytest.param("author", "publisher", {"bio": NEW_BIO}, id="clinician"),
]


@pytest.mark.parametrize(("snippet", "role", "changes"), EDITS)
def test_a_saved_edit_stays_off_the_api_until_a_medical_reviewer_approves_it(
    client, request, article, snippet, role, changes
):
    obj = request.getfixturevalue(snippet)
    before = seen_by_anonymous(client, article)
    assert before["article_note"] == before["listing_note"] == [OLD_NOTE]
    assert before["article_description"] == before["listing_description"] == [OLD_DESCRIPTION]
    assert before["bio"] == OLD_BIO

    client.force_login(request.getfixturevalue(role))
    response = client.post(snippet_url(obj, "edit"), snippet_form(obj, **changes))
    assert response.status_code == 302
    assert seen_by_anonymous(client, article) == before

    client.force_login(request.getfixturevalue(role))
    response = client.post(snippet_url(obj, "edit"), snippet_form(obj, "submit", **changes))
    assert response.status_code == 302
    assert seen_by_anonymous(client, article) == before

    # The reviewer approves (the task's Approve, as the edit view's workflow menu posts it).
    obj.refresh_from_db()
    task_state = obj.current_workflow_task_state
    assert task_state.task.name == "Medical review"
    client.force_login(request.getfixturevalue("reviewer"))
    # Reviewers only view snippets, yet the task opens the editor to them, with Approve.
    assert 'data-workflow-action-name="approve"' in client.get(snippet_url(obj, "edit")).text
    response = client.post(
        snippet_url(obj, "workflow_action", "approve", task_state.pk), {"comment": "Checked."}
    )
    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.live and obj.live_revision_id == obj.latest_revision_id
    assert not obj.has_unpublished_changes

    after = seen_by_anonymous(client, article)
    expected = {
        **before,
        **{
            "regulatory_note": {"article_note": [NEW_NOTE], "listing_note": [NEW_NOTE]},
            "description": {
                "article_description": [NEW_DESCRIPTION],
                "listing_description": [NEW_DESCRIPTION],
            },
            "bio": {"bio": NEW_BIO},
        }[next(iter(changes))],
    }
    assert after == expected


def test_nobody_but_a_superuser_publishes_a_medical_snippet_directly(
    client, django_user_model, article, ketamine, editor
):
    # Even holding Wagtail's publish permission on treatments: the workflow publishes them.
    editor.user_permissions.add(Permission.objects.get(codename="publish_treatment"))
    client.force_login(editor)
    page = client.get(snippet_url(ketamine, "edit")).text
    assert 'name="action-submit"' in page
    assert 'name="action-publish"' not in page
    response = client.post(
        snippet_url(ketamine, "edit"),
        snippet_form(ketamine, "publish", regulatory_note=NEW_NOTE),
    )
    assert response.status_code == 302
    ketamine.refresh_from_db()
    assert ketamine.regulatory_note == OLD_NOTE and ketamine.has_unpublished_changes
    assert seen_by_anonymous(client, article)["article_note"] == [OLD_NOTE]
    # Nor take one down: the admin's refusal (a redirect to the dashboard).
    client.force_login(editor)
    response = client.post(snippet_url(ketamine, "unpublish"))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    ketamine.refresh_from_db()
    assert ketamine.live

    admin = django_user_model.objects.create_superuser("admin", password="not-used")
    client.force_login(admin)
    assert 'name="action-publish"' in client.get(snippet_url(ketamine, "edit")).text
    response = client.post(
        snippet_url(ketamine, "edit"),
        snippet_form(ketamine, "publish", regulatory_note=NEW_NOTE),
    )
    assert response.status_code == 302
    assert seen_by_anonymous(client, article)["article_note"] == [NEW_NOTE]


def test_a_snippet_never_published_is_in_no_answer(client, article, editor):
    client.force_login(editor)
    add_url = reverse("wagtailsnippets_articles_condition:add")
    data = {"name": "Phantom limb pain", "slug": "phantom-limb", "description": "Draft text."}
    assert client.post(add_url, {**data, "action-submit": "submit"}).status_code == 302
    phantom = Condition.objects.get(slug="phantom-limb")
    assert not phantom.live
    article.conditions.add(phantom)
    article.save_revision().publish()

    client.logout()
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert [c["slug"] for c in detail["conditions"]] == ["crps"]
    about = next(d for d in detail["structured_data"] if d["@type"] == "MedicalWebPage")["about"]
    assert [condition["name"] for condition in about] == ["CRPS"]
    listing = client.get("/api/v2/conditions/").json()
    assert [c["slug"] for c in listing["items"]] == ["crps"]
    filtered = client.get(
        "/api/v2/pages/", {"type": "articles.ArticlePage", "condition": "phantom-limb"}
    ).json()
    assert filtered["meta"]["total_count"] == 0


def test_an_author_never_published_is_null(client, article_index, publisher):
    client.force_login(publisher)
    add_url = reverse("wagtailsnippets_articles_clinician:add")
    assert client.post(add_url, {"name": "Dr New", "bio": "Unreviewed bio."}).status_code == 302
    newcomer = Clinician.objects.get(name="Dr New")
    assert not newcomer.live
    page = ArticlePageFactory(parent=article_index, slug="new-author", author=newcomer)
    page.save_revision().publish()

    client.logout()
    detail = client.get(f"/api/v2/pages/{page.pk}/").json()
    assert detail["author"] is None
    web_page = next(d for d in detail["structured_data"] if d["@type"] == "MedicalWebPage")
    assert "author" not in web_page


def test_a_translation_waiting_for_review_leaves_the_published_source(client, crps):
    TranslationCreator(None, [Locale.objects.get(language_code="es")]).create_translations(crps)
    spanish = Condition.objects.get(
        translation_key=crps.translation_key, locale__language_code="es"
    )
    assert not spanish.live  # a draft, waiting for review in its own language

    items = client.get("/api/v2/conditions/", {"locale": "es"}).json()["items"]
    assert [(c["name"], c["locale"]) for c in items] == [("CRPS", "en")]


def report_rows(client, url_name="articles_snippet_reviews_due"):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    table = BeautifulSoup(response.text, "html.parser").find("table", class_="listing")
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    ]


def approve(obj, reviewer):
    obj.save_revision(user=reviewer)
    obj.get_workflow().start(obj, reviewer)
    task_state = obj.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")


def test_the_reviews_due_report_lists_snippets_never_or_long_ago_approved(
    client, settings, editor, reviewer, ketamine, crps, author
):
    settings.MEDICAL_REVIEW_INTERVAL_DAYS = 30
    approve(ketamine, reviewer)
    approve(crps, reviewer)
    TaskState.objects.filter(workflow_state__object_id=str(crps.pk)).filter(
        workflow_state__base_content_type__model="condition"
    ).update(finished_at=timezone.now() - timedelta(days=31))
    ConditionFactory(name="Draft only", slug="draft-only", live=False)

    rows = report_rows(client.force_login(editor) or client)
    today = timezone.localdate()
    assert rows == [
        ["Dr Ada Lovelace", "Clinician", "English", "Never", "Now"],
        [
            "CRPS",
            "Condition",
            "English",
            date_format(today - timedelta(days=31), "DATE_FORMAT"),
            date_format(today - timedelta(days=1), "DATE_FORMAT"),
        ],
    ]
