"""Nothing medical goes live unreviewed: the Medical review workflow, as people use it in the admin."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import GroupPagePermission, TaskState, WorkflowPage, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from articles.models import ArticlePage, MedicalReviewTask
from articles.review import ensure_review_workflow
from headless.blocks import RICH_TEXT_FEATURES
from tests.factories import ArticlePageFactory, ClinicianFactory

SLUG = "living-with-nerve-pain"


def member_of(django_user_model, group_name, username=None):
    user = django_user_model.objects.create_user(
        username=username or group_name.lower().replace(" ", "-"), password="not-used"
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "Editors")


@pytest.fixture
def reviewer(django_user_model):
    return member_of(django_user_model, "Medical reviewers")


@pytest.fixture
def reviewer_clinician(reviewer):
    return ClinicianFactory(name="Dr Ada Reviewer", credentials="MD", user=reviewer)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", password="not-used")


def login(client, user):
    client.force_login(user)
    return client


def article_form(action, **fields):
    """What the admin's article form posts when an editor presses ``action``."""
    data = nested_form_data(
        {
            "title": "Living with nerve pain",
            "slug": SLUG,
            "summary": "How neuropathic pain is assessed and treated.",
            "body": streamfield([]),
            "comments": inline_formset([]),
            **fields,
        }
    )
    data[f"action-{action}"] = action
    return data


def add_url(index):
    return reverse("wagtailadmin_pages:add", args=("articles", "articlepage", index.pk))


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def submitted_article(client, editor, index):
    response = login(client, editor).post(add_url(index), article_form("submit"))
    assert response.status_code == 302
    return ArticlePage.objects.get(slug=SLUG)


def workflow_action_url(article, action):
    task_state = article.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=(article.pk, action, task_state.pk))


def test_a_new_articles_index_is_put_under_medical_review(article_index):
    assert article_index.get_workflow().name == "Medical review"
    granted = {
        (perm.group.name, perm.permission.codename)
        for perm in GroupPagePermission.objects.filter(page=article_index)
    }
    assert ("Editors", "add_page") in granted
    assert ("Editors", "publish_page") not in granted
    assert ("Medical reviewers", "change_page") in granted
    assert ("Publishers", "publish_page") in granted

    ensure_review_workflow(article_index)  # idempotent
    assert WorkflowPage.objects.filter(page=article_index).count() == 1
    assert GroupPagePermission.objects.filter(page=article_index).count() == len(granted)


def test_reviewer_approval_publishes_the_article_with_the_review_recorded(
    client, article_index, editor, reviewer, reviewer_clinician
):
    article = submitted_article(client, editor, article_index)
    assert not article.live
    assert article.current_workflow_state.workflow.name == "Medical review"

    login(client, reviewer)
    approve_url = workflow_action_url(article, "approve")
    # The reviewer sees the workflow's approve button on the article's edit page.
    assert 'data-workflow-action-name="approve"' in client.get(edit_url(article)).text
    response = client.post(approve_url, {"comment": "Doses checked."})
    assert response.status_code == 302

    article.refresh_from_db()
    assert article.live
    # The review is part of the very revision that went live, not a later edit.
    assert article.live_revision_id == article.latest_revision_id
    published = article.live_revision.as_object()
    assert published.reviewer == reviewer_clinician
    assert published.last_reviewed == timezone.localdate()
    assert article.reviewer == reviewer_clinician
    assert article.last_reviewed == timezone.localdate()
    approval = TaskState.objects.get(workflow_state__object_id=str(article.pk))
    assert approval.status == TaskState.STATUS_APPROVED
    assert approval.revision_id == article.live_revision_id


def test_rejecting_with_a_comment_keeps_the_article_offline(
    client, article_index, editor, reviewer, reviewer_clinician
):
    article = submitted_article(client, editor, article_index)

    response = login(client, reviewer).post(
        workflow_action_url(article, "reject"), {"comment": "Cite the dosing guideline."}
    )
    assert response.status_code == 302

    article.refresh_from_db()
    assert not article.live
    assert article.reviewer is None
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "Cite the dosing guideline."
    assert "Cite the dosing guideline." in login(client, editor).get(edit_url(article)).text


@pytest.mark.parametrize("group_name", ["Editors", "Publishers", "Medical reviewers"])
def test_nobody_but_a_superuser_publishes_an_article_directly(
    client, django_user_model, article_index, group_name
):
    user = member_of(django_user_model, group_name)
    login(client, user)

    if group_name != "Medical reviewers":  # reviewers review; they do not create articles
        assert client.post(add_url(article_index), article_form("publish")).status_code == 302
        assert not ArticlePage.objects.get(slug=SLUG).live
        ArticlePage.objects.get(slug=SLUG).delete()

    draft = ArticlePageFactory(parent=article_index, slug=SLUG, live=False)
    draft.save_revision()
    page = client.get(edit_url(draft))
    assert page.status_code == 200
    assert 'name="action-publish"' not in page.text
    client.post(edit_url(draft), article_form("publish", title=draft.title))
    draft.refresh_from_db()
    assert not draft.live


def test_publishers_can_still_take_an_article_down(client, django_user_model, article_index):
    publisher = member_of(django_user_model, "Publishers")
    article = ArticlePageFactory(parent=article_index)
    article.save_revision().publish()

    url = reverse("wagtailadmin_pages:unpublish", args=(article.pk,))
    assert login(client, publisher).post(url).status_code == 302
    article.refresh_from_db()
    assert not article.live


def test_an_approver_without_a_clinician_profile_records_no_review(
    client, article_index, editor, admin_user
):
    article = submitted_article(client, editor, article_index)

    login(client, admin_user).post(workflow_action_url(article, "approve"), {"comment": ""})

    article.refresh_from_db()
    assert article.live
    assert article.reviewer is None
    assert article.last_reviewed is None


def test_the_admin_shows_the_next_review_date(client, settings, article_index, admin_user):
    settings.MEDICAL_REVIEW_INTERVAL_DAYS = 30
    reviewed = timezone.localdate() - timedelta(days=10)
    article = ArticlePageFactory(parent=article_index, last_reviewed=reviewed)
    never = ArticlePageFactory(parent=article_index)

    login(client, admin_user)
    due = date_format(reviewed + timedelta(days=30), "DATE_FORMAT")
    assert f"due by {due}." in client.get(edit_url(article)).text
    assert "not reviewed yet" in client.get(edit_url(never)).text


def report_rows(client):
    response = client.get(reverse("articles_reviews_due"))
    assert response.status_code == 200
    table = BeautifulSoup(response.text, "html.parser").find("table", class_="listing")
    if table is None:
        return []
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
        for row in table.find("tbody").find_all("tr")
    ]


def test_the_report_lists_exactly_the_articles_due_oldest_first(client, article_index, admin_user):
    today = timezone.localdate()
    clinician = ClinicianFactory(name="Dr Old Review")
    ArticlePageFactory(parent=article_index, title="Fresh", last_reviewed=today)
    ArticlePageFactory(
        parent=article_index, title="Due today", last_reviewed=today - timedelta(days=365)
    )
    ArticlePageFactory(parent=article_index, title="Unreviewed draft", live=False)
    ArticlePageFactory(
        parent=article_index,
        title="Stale",
        reviewer=clinician,
        last_reviewed=today - timedelta(days=366),
    )
    ArticlePageFactory(
        parent=article_index,
        title="Ancient",
        reviewer=clinician,
        last_reviewed=today - timedelta(days=900),
    )
    ArticlePageFactory(parent=article_index, title="Never reviewed")

    rows = report_rows(login(client, admin_user))

    assert [row[0] for row in rows] == ["Never reviewed", "Ancient", "Stale"]
    assert [row[1] for row in rows] == ["English"] * 3
    assert rows[0][3] == "Never"
    assert rows[2][2] == "Dr Old Review, MD"
    assert rows[2][3] == date_format(today - timedelta(days=366), "DATE_FORMAT")


def test_the_report_follows_the_review_interval_setting(client, settings, article_index, editor):
    settings.MEDICAL_REVIEW_INTERVAL_DAYS = 90
    today = timezone.localdate()
    ArticlePageFactory(parent=article_index, title="Spring", last_reviewed=today - timedelta(120))
    ArticlePageFactory(parent=article_index, title="Summer", last_reviewed=today - timedelta(60))

    # Editors see the report too: it is their to-do list.
    assert [row[0] for row in report_rows(login(client, editor))] == ["Spring"]


DENSE = rich_text(
    "<p>Intra-articular corticosteroid administration demonstrates considerable analgesic "
    "efficacy in osteoarthritic degeneration, notwithstanding potential hyperglycaemic "
    "complications in susceptible individuals.</p>",
    features=RICH_TEXT_FEATURES,
)


def submitted_dense_article(client, editor, index):
    data = article_form("submit", body=streamfield([("paragraph", DENSE)]))
    assert login(client, editor).post(add_url(index), data).status_code == 302
    return ArticlePage.objects.get(slug=SLUG)


def test_reviewers_are_warned_of_an_article_above_target_and_may_approve_it(
    client, article_index, editor, reviewer, reviewer_clinician
):
    article = submitted_dense_article(client, editor, article_index)

    login(client, reviewer)
    page = client.get(edit_url(article)).text
    assert "above target" in page
    assert "Medical reviewers will see that it reads above target, and may still approve it." in (
        page
    )
    assert 'data-workflow-action-name="approve"' in page
    assert client.post(workflow_action_url(article, "approve"), {}).status_code == 302
    article.refresh_from_db()
    assert article.live


def test_the_review_task_can_refuse_approval_above_target(
    client, article_index, editor, reviewer, reviewer_clinician
):
    task = MedicalReviewTask.objects.get(name="Medical review")
    task.refuse_approval_above_target = True
    task.save()
    article = submitted_dense_article(client, editor, article_index)

    login(client, reviewer)
    page = client.get(edit_url(article)).text
    assert "Medical review will not approve it until it reads at grade 8 or below." in page
    assert 'data-workflow-action-name="approve"' not in page
    assert 'data-workflow-action-name="reject"' in page
    client.post(workflow_action_url(article, "approve"), {})
    article.refresh_from_db()
    assert not article.live
