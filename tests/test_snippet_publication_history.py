"""What was live when, for a reviewed snippet (condition, treatment, clinician): its live
intervals from Wagtail's snippet history (``ModelLogEntry``), its revisions and the Medical
review task's approvals, across its life: live since snippets went under review (migration
0013), edited as a draft by an editor, approved as v2, approved as v3.
"""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone
from wagtail.models import ModelLogEntry, Revision, TaskState

from articles.publication_history import as_of, publication_history
from demo.review import publish_through_review
from tests.factories import ClinicianFactory, ConditionFactory, TreatmentFactory
from tests.test_snippet_review import member_of, snippet_form, snippet_url

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
ONE_SECOND = datetime.timedelta(seconds=1)


def instant(month, day, hour=9):
    return datetime.datetime(2025, month, day, hour, tzinfo=UTC)


MIGRATED = instant(1, 10)
EDITED = instant(2, 1)
V2 = instant(3, 1)
V3 = instant(6, 1)

FACTORIES = {
    "condition": lambda: ConditionFactory(name="CRPS", slug="crps", description="Version 1"),
    "treatment": lambda: TreatmentFactory(
        name="Ketamine", slug="ketamine", description="Version 1"
    ),
    "clinician": lambda: ClinicianFactory(name="Dr Ada Lovelace", bio="Version 1"),
}
TEXT = {"condition": "description", "treatment": "description", "clinician": "bio"}
EDITOR = {"condition": "Editors", "treatment": "Editors", "clinician": "Publishers"}


def migrate_to_review():
    """What migrating to reviewed snippets does to the rows live then (0013), and what 0016
    records of it."""
    for name in ("0013_review_snippets", "0016_log_migrated_publishes"):
        module = importlib.import_module(f"articles.migrations.{name}")
        module.Migration.operations[0].code(apps, None)


def reviewer(django_user_model, username):
    user = django_user_model.objects.create_user(username, password="not-used")
    user.groups.add(Group.objects.get(name="Medical reviewers"))
    return user


class Timeline:
    """Dates what happened since the last step: snippet log entries, revisions, approvals, and
    the snippets' publishing dates."""

    def __init__(self, model):
        self.model = model
        self.mark()

    def mark(self):
        self.logged = ModelLogEntry.objects.aggregate(last=Max("pk"))["last"] or 0
        self.revised = Revision.objects.aggregate(last=Max("pk"))["last"] or 0
        self.since = timezone.now()

    def happened_at(self, when):
        ModelLogEntry.objects.filter(pk__gt=self.logged).update(timestamp=when)
        Revision.objects.filter(pk__gt=self.revised).update(created_at=when)
        TaskState.objects.filter(finished_at__gte=self.since).update(finished_at=when)
        for field in ("first_published_at", "last_published_at"):
            self.model.objects.filter(**{f"{field}__gte": self.since}).update(**{field: when})
        self.mark()


class SnippetLife:
    """A snippet live since the migration, edited by an editor, approved twice."""

    def __init__(self, client, django_user_model, kind):
        self.client = client
        self.kind = kind
        self.editor = member_of(django_user_model, EDITOR[kind])
        self.first_reviewer = reviewer(django_user_model, "ada")
        self.second_reviewer = reviewer(django_user_model, "grace")
        self.obj = FACTORIES[kind]()
        self.timeline = Timeline(type(self.obj))
        migrate_to_review()
        self.timeline.happened_at(MIGRATED)
        self.obj.refresh_from_db()

    def edit(self, text, action=None):
        self.client.force_login(self.editor)
        form = snippet_form(self.obj, action, **{TEXT[self.kind]: text})
        assert self.client.post(snippet_url(self.obj, "edit"), form).status_code == 302
        self.obj.refresh_from_db()

    def approve(self, reviewer, when):
        task_state = self.obj.current_workflow_task_state
        self.client.force_login(reviewer)
        url = snippet_url(self.obj, "workflow_action", "approve", task_state.pk)
        assert self.client.post(url, {"comment": ""}).status_code == 302
        self.timeline.happened_at(when)
        self.obj.refresh_from_db()
        assert self.obj.live and not self.obj.has_unpublished_changes

    def whole(self):
        self.edit("Version 2, a draft")
        self.timeline.happened_at(EDITED)
        self.edit("Version 2", "submit")
        self.approve(self.first_reviewer, V2)
        self.edit("Version 3", "submit")
        self.approve(self.second_reviewer, V3)
        return self


@pytest.fixture(params=["condition", "treatment", "clinician"])
def life(request, client, django_user_model):
    return SnippetLife(client, django_user_model, request.param)


def text_of(interval, kind):
    return getattr(interval.revision.as_object(), TEXT[kind])


def test_a_row_live_when_snippets_went_under_review_is_live_from_then(life):
    (interval,) = publication_history(life.obj)
    assert (interval.live_from, interval.live_until) == (MIGRATED, None)
    assert interval.revision_id == life.obj.live_revision_id
    assert text_of(interval, life.kind) == "Version 1"
    assert interval.approved_by is None and interval.approved_at is None
    assert interval.published_by is None
    assert as_of(life.obj, MIGRATED - ONE_SECOND) is None
    assert as_of(life.obj, timezone.now()) == interval


def test_a_draft_changes_nothing_until_approved(life):
    life.edit("Version 2, a draft")
    life.timeline.happened_at(EDITED)
    (interval,) = publication_history(life.obj)
    assert interval.live_until is None and text_of(interval, life.kind) == "Version 1"


def test_each_interval_names_its_revision_and_approval(life):
    life.whole()
    history = publication_history(life.obj)

    assert [(i.live_from, i.live_until) for i in history] == [
        (MIGRATED, V2),
        (V2, V3),
        (V3, None),
    ]
    assert [text_of(i, life.kind) for i in history] == ["Version 1", "Version 2", "Version 3"]
    assert [i.approved_by for i in history] == [None, life.first_reviewer, life.second_reviewer]
    assert [i.approved_at for i in history] == [None, V2, V3]
    # The approval publishes, as the approving reviewer.
    assert [i.published_by for i in history] == [None, life.first_reviewer, life.second_reviewer]
    # A snippet carries no reviewer or review date of its own: its record is the approval.
    assert [(i.reviewer, i.last_reviewed) for i in history] == [(None, None)] * 3
    assert history[-1].revision_id == life.obj.live_revision_id

    assert as_of(life.obj, MIGRATED - ONE_SECOND) is None
    assert as_of(life.obj, EDITED) == history[0]
    assert as_of(life.obj, V2 - ONE_SECOND) == history[0]
    assert as_of(life.obj, V2) == history[1]
    assert as_of(life.obj, V3 - ONE_SECOND) == history[1]
    assert as_of(life.obj, V3) == history[2]
    assert as_of(life.obj, timezone.now()) == history[2]
    live = history[1].as_live(life.obj)
    assert (live.pk, getattr(live, TEXT[life.kind])) == (life.obj.pk, "Version 2")


def test_the_migration_logs_a_publish_once(life):
    migrate_to_review()
    assert len(publication_history(life.obj)) == 1


def test_a_snippet_the_demo_published_through_review(django_user_model):
    reviewer = member_of(django_user_model, "Medical reviewers")
    timeline = Timeline(type(ConditionFactory.build()))
    condition = publish_through_review(
        ConditionFactory.build(name="Migraine", slug="migraine"), reviewer
    )
    timeline.happened_at(V2)

    (interval,) = publication_history(condition)
    assert (interval.live_from, interval.live_until) == (V2, None)
    assert interval.approved_by == reviewer and interval.approved_at == V2
    assert as_of(condition, V2 - ONE_SECOND) is None


def test_a_snippet_never_published_was_never_live(client, django_user_model):
    editor = member_of(django_user_model, "Editors")
    condition = ConditionFactory(name="Draft only", slug="draft-only", live=False)
    condition.save_revision(user=editor)
    assert publication_history(condition) == []
    assert as_of(condition, timezone.now()) is None
