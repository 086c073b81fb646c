"""What was live when: a page's publication history across its life, in English and Spanish.

Each article goes through the admin as people use it: an editor submits, a medical reviewer
approves (the Medical review workflow publishes), a publisher takes it down. Each step is then
dated by moving what it logged (Wagtail's page history, the task's approval) to a chosen
instant, so the history has days between its steps.
"""

import datetime

import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Revision, TaskState

from articles.publication_history import as_of, publication_history
from tests.factories import ArticlePageFactory, ClinicianFactory, translate
from tests.test_medical_review import (
    article_form,
    edit_url,
    login,
    member_of,
    submitted_article,
    workflow_action_url,
)

UTC = datetime.UTC


def instant(day, hour=9):
    return datetime.datetime(2025, *day, hour, tzinfo=UTC)


DRAFTED = instant((1, 5))
V1 = instant((1, 10))
V2 = instant((3, 1))
UNPUBLISHED = instant((6, 1))
REPUBLISHED = instant((9, 1))
SPANISH = instant((4, 15))


class Timeline:
    """Dates what happened in the database since the last step: log entries, revisions, the
    task states that finished, the pages' publishing dates."""

    def __init__(self):
        self.mark()

    def mark(self):
        self.logged = PageLogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
        self.revised = Revision.objects.aggregate(last=Max("pk"))["last"] or 0
        self.since = timezone.now()

    def happened_at(self, when):
        PageLogEntry.objects.filter(pk__gt=self.logged).update(timestamp=when)
        Revision.objects.filter(pk__gt=self.revised).update(created_at=when)
        TaskState.objects.filter(finished_at__gte=self.since).update(finished_at=when)
        for field in ("first_published_at", "last_published_at"):
            Page.objects.filter(**{f"{field}__gte": self.since}).update(**{field: when})
        self.mark()


class Life:
    """An English article's life, and its Spanish translation's, as the admin drives them."""

    def __init__(self, client, django_user_model, index):
        self.client = client
        self.editor = member_of(django_user_model, "Editors")
        self.publisher = member_of(django_user_model, "Publishers")
        self.first_reviewer = member_of(django_user_model, "Medical reviewers", "ada")
        self.second_reviewer = member_of(django_user_model, "Medical reviewers", "grace")
        self.first_clinician = ClinicianFactory(name="Dr Ada Reviewer", user=self.first_reviewer)
        self.second_clinician = ClinicianFactory(
            name="Dr Grace Reviewer", user=self.second_reviewer
        )
        self.index = index
        self.timeline = Timeline()
        self.article = None

    def draft(self):
        self.article = submitted_article(self.client, self.editor, self.index)
        self.timeline.happened_at(DRAFTED)
        return self

    def approve(self, reviewer, when, page=None):
        page = page or self.article
        page.refresh_from_db()
        response = login(self.client, reviewer).post(
            workflow_action_url(page, "approve"), {"comment": ""}
        )
        assert response.status_code == 302
        self.timeline.happened_at(when)
        page.refresh_from_db()
        assert page.live
        return page

    def resubmit(self, title):
        response = login(self.client, self.editor).post(
            edit_url(self.article), article_form("submit", title=title)
        )
        assert response.status_code == 302

    def unpublish(self, when):
        url = reverse("wagtailadmin_pages:unpublish", args=(self.article.pk,))
        assert login(self.client, self.publisher).post(url).status_code == 302
        self.timeline.happened_at(when)

    def whole(self):
        """Draft, v1 approved by Ada, v2 by Grace, unpublished, republished (v3, by Ada)."""
        self.draft()
        self.approve(self.first_reviewer, V1)
        self.resubmit("Living with nerve pain, revised")
        self.approve(self.second_reviewer, V2)
        self.unpublish(UNPUBLISHED)
        self.resubmit("Living with nerve pain, again")
        self.approve(self.first_reviewer, REPUBLISHED)
        return self

    def spanish(self):
        """The article translated, submitted for review and approved by Grace on SPANISH."""
        spanish = translate(self.article, {"Living with nerve pain, again": "Vivir con dolor"})
        login(self.client, self.editor).post(
            reverse("articles_submit_translation", args=[spanish.pk])
        )
        self.timeline.happened_at(SPANISH)
        return self.approve(self.second_reviewer, SPANISH, page=spanish)


@pytest.fixture
def life(client, django_user_model, article_index):
    return Life(client, django_user_model, article_index)


def test_a_draft_was_never_live(life):
    life.draft()
    assert publication_history(life.article) == []
    assert as_of(life.article, timezone.now()) is None


def test_each_interval_names_its_revision_approver_reviewer_and_review_date(life):
    life.whole()
    today = timezone.localdate()
    history = publication_history(life.article)

    assert [(i.live_from, i.live_until) for i in history] == [
        (V1, V2),
        (V2, UNPUBLISHED),
        (REPUBLISHED, None),
    ]
    assert [i.revision.as_object().title for i in history] == [
        "Living with nerve pain",
        "Living with nerve pain, revised",
        "Living with nerve pain, again",
    ]
    assert [i.approved_by for i in history] == [
        life.first_reviewer,
        life.second_reviewer,
        life.first_reviewer,
    ]
    assert [i.reviewer for i in history] == [
        life.first_clinician,
        life.second_clinician,
        life.first_clinician,
    ]
    assert [i.approved_at for i in history] == [V1, V2, REPUBLISHED]
    assert [i.last_reviewed for i in history] == [today, today, today]
    # The approval publishes: the workflow's finish, as the approving reviewer.
    assert [i.published_by for i in history] == [
        life.first_reviewer,
        life.second_reviewer,
        life.first_reviewer,
    ]
    # The revision each interval names is the one Wagtail recorded as going live.
    assert history[-1].revision_id == life.article.live_revision_id


def test_as_of_answers_each_moment_of_the_life(life):
    life.whole()
    history = publication_history(life.article)
    one_second = datetime.timedelta(seconds=1)

    assert as_of(life.article, DRAFTED) is None
    assert as_of(life.article, V1 - one_second) is None
    assert as_of(life.article, V1) == history[0]
    assert as_of(life.article, V2 - one_second) == history[0]
    assert as_of(life.article, V2) == history[1]
    assert as_of(life.article, instant((5, 31), 23)) == history[1]
    assert as_of(life.article, UNPUBLISHED) is None
    assert as_of(life.article, instant((8, 1))) is None
    assert as_of(life.article, REPUBLISHED) == history[2]
    assert as_of(life.article, timezone.now()) == history[2]


def test_a_translation_has_its_own_history_and_review(life):
    life.whole()
    spanish = life.spanish()

    (interval,) = publication_history(spanish)
    assert (interval.live_from, interval.live_until) == (SPANISH, None)
    assert interval.revision.as_object().title == "Vivir con dolor"
    assert interval.revision.as_object().locale.language_code == "es"
    assert interval.approved_by == life.second_reviewer
    assert interval.reviewer == life.second_clinician
    assert interval.last_reviewed == timezone.localdate()
    assert as_of(spanish, SPANISH - datetime.timedelta(days=1)) is None
    assert as_of(spanish, V2) is None  # the English was live then; the Spanish was not
    assert as_of(life.article, SPANISH).approved_by == life.second_reviewer  # English v2
    assert len(publication_history(life.article)) == 3


def test_a_publish_without_review_names_no_approver(article_index, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="not-used")
    timeline = Timeline()
    article = ArticlePageFactory(parent=article_index, live=False)
    article.save_revision(user=superuser).publish(user=superuser)
    timeline.happened_at(V1)

    (interval,) = publication_history(article)
    assert interval.live_from == V1 and interval.live_until is None
    assert interval.published_by == superuser
    assert interval.approved_by is None and interval.approved_at is None
    assert interval.reviewer is None


def test_an_approver_without_a_clinician_profile_is_named_without_a_reviewer(
    client, django_user_model, article_index
):
    life = Life(client, django_user_model, article_index).draft()
    admin = django_user_model.objects.create_superuser("root", password="not-used")
    life.approve(admin, V1)

    (interval,) = publication_history(life.article)
    assert interval.approved_by == admin and interval.approved_at == V1
    assert interval.reviewer is None and interval.last_reviewed is None


def test_an_alias_shows_its_originals_history_from_when_it_was_made(
    article_index, django_user_model
):
    superuser = django_user_model.objects.create_superuser("root", password="not-used")
    timeline = Timeline()
    article = ArticlePageFactory(parent=article_index, live=False, title="First", slug="first")
    article.save_revision(user=superuser).publish(user=superuser)
    timeline.happened_at(V1)
    alias = article.create_alias(update_slug="alias-of-first")
    made = instant((2, 1))
    timeline.happened_at(made)
    article.title = "Second"
    article.save_revision(user=superuser).publish(user=superuser)
    timeline.happened_at(V2)

    history = publication_history(alias)
    assert [(i.live_from, i.live_until) for i in history] == [(made, V2), (V2, None)]
    assert as_of(alias, V1) is None
    first = as_of(alias, made).as_live(alias)
    assert (first.pk, first.title, first.slug) == (alias.pk, "First", "alias-of-first")
    assert first.url_path == alias.url_path
    assert as_of(alias, V2).as_live(alias).title == "Second"
