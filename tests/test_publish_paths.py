"""One rule, tested as a matrix: medical content goes live only through Medical review.

For every way content can become live (``PATHS``) and every role (``ROLES``), the table states
what a patient can see afterwards, asked of the public API as an anonymous visitor:

- nothing goes live: refused (403, a message, no button) or harmless (a draft, a move); the
  public API answers exactly as before, 404 or the reviewed version;
- live after review: a member of Medical reviewers approved it, and the API names them and
  today's date;
- live, logged: a superuser's bypass, written in the history as "Published without medical
  review";
- taken down: unpublished (taking content down is never unsafe);
- mirrors its source: an alias shows its source's live, reviewed version and its review.

Each path is one function that performs it as a given user and returns what patients would
see change. Rows still open today are marked xfail (strict): the branch that closes them makes
them pass, and the lead removes the mark at merge. ``test_every_publish_path_is_in_the_matrix``
derives the publish-capable URLs, API actions, bulk actions and publishing code from Wagtail and
wagtail-localize as installed, so a path a new version adds fails here instead of passing
silently. docs/medical-review.md carries the same table (``matrix_table()``).
"""

import datetime
import re
import tempfile
from dataclasses import dataclass
from io import StringIO
from pathlib import Path as FilePath

import pytest
import wagtail
import wagtail_localize
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.log_actions import registry as log_registry
from wagtail.models import Locale, Page, Revision, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield
from wagtail_localize.models import TranslationSource

from articles.models import PUBLISH_WITHOUT_REVIEW_LOG_ACTION, ArticlePage
from tests.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
    HomePageFactory,
    TreatmentFactory,
    translate,
)

pytestmark = pytest.mark.django_db

NOT_LIVE = "nothing goes live"
REVIEWED = "live after review"
LOGGED = "live, logged"
TAKEN_DOWN = "taken down"
MIRRORED = "mirrors its source"

ROLES = {
    # role: its group (None: a superuser). Translators are Editors (docs/medical-review.md).
    "editor": "Editors",
    "translator": "Editors",
    "moderator": "Moderators",
    "medical reviewer": "Medical reviewers",
    "publisher": "Publishers",
    "superuser": None,
}
ANY_ROLE = "any role"

CHANGE = "An unreviewed change to the dose."
OLD_DRAFT = "A draft nobody reviewed."
REVIEWED_ON = datetime.date(2025, 1, 10)


# The content every path starts from ------------------------------------------------------------


class World:
    """A site with a reviewed, live article that has an unreviewed change waiting (and an older
    draft nobody reviewed), the snippets it shows, users in each role, a Spanish draft on
    demand; and what an anonymous visitor sees of them."""

    def __init__(self, client, django_user_model, index):
        self.client = client
        self.users = django_user_model
        self.index = index
        self.author = self.user("editor", "author")
        self.condition = ConditionFactory(name="Neuropathic pain", description="Nerve pain.")
        self.treatment = TreatmentFactory(name="Ketamine", regulatory_note="Licensed.")
        self.clinician = ClinicianFactory(name="Dr Bea Author", bio="Pain specialist.")
        self.article = ArticlePageFactory(
            parent=index,
            slug="nerve-pain",
            summary=OLD_DRAFT,
            live=False,
            author=self.clinician,
            reviewer=ClinicianFactory(name="Dr Earlier Reviewer"),
            last_reviewed=REVIEWED_ON,
            conditions=[self.condition],
            treatments=[self.treatment],
        )
        self.old_draft = self.article.save_revision(user=self.author)
        self.article.summary = "Reviewed summary."
        self.article.save_revision().publish()  # the reviewed version patients see
        self.article.refresh_from_db()
        self.revise(self.article, CHANGE)

    def user(self, role, username=None):
        username = username or role.replace(" ", "-")
        if ROLES[role] is None:
            return self.users.objects.create_superuser(username, password="not-used")
        user = self.users.objects.create_user(username, password="not-used")
        user.groups.add(Group.objects.get(name=ROLES[role]))
        if role == "medical reviewer":  # approving records their profile as the reviewer
            ClinicianFactory(name=f"Dr {username.title()}", user=user)
        return user

    def revise(self, page, summary):
        page = type(page).objects.get(pk=page.pk).get_latest_revision_as_object()
        page.summary = summary
        return page.save_revision(user=self.author)

    def as_(self, user):
        self.client.force_login(user)
        return self.client

    def spanish_draft(self):
        """wagtail-localize's translation of the article: a draft, from its latest revision."""
        return translate(self.article)

    def public(self, slug, language="en"):
        """What an anonymous visitor gets: the status and the words of the page at ``slug``."""
        self.client.logout()
        if slug.startswith("/api/"):  # a listing
            response = self.client.get(slug)
            return {"status": response.status_code, "items": response.json()["items"]}
        page = Page.objects.filter(slug=slug, locale__language_code=language).first()
        if page is None:
            return {"status": 404}
        site = page.get_site()
        host = site.hostname if site else "localhost"
        response = self.client.get(f"/api/v2/pages/{page.pk}/", HTTP_HOST=host)
        if response.status_code != 200:
            return {"status": response.status_code}
        data = response.json()
        return {
            "status": 200,
            "summary": data["summary"],
            "reviewer": (data["reviewer"] or {}).get("name"),
            "last_reviewed": data["last_reviewed"],
            "author": data["author"],
            "conditions": data["conditions"],
            "treatments": data["treatments"],
        }


@pytest.fixture
def world(client, django_user_model, article_index):
    return World(client, django_user_model, article_index)


# How each path is taken ------------------------------------------------------------------------


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


def article_form(page, action, **fields):
    """What the admin's article form posts when ``action`` is pressed."""
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "summary": CHANGE,
            "author": page.author_id or "",
            "body": streamfield([]),
            "comments": inline_formset([]),
            **fields,
        }
    )
    data[f"action-{action}"] = action
    return data


def submit_change(world, **fields):
    """The author submits the waiting change for review."""
    client = world.as_(world.author)
    client.post(edit_url(world.article), article_form(world.article, "submit", **fields))
    world.article.refresh_from_db()
    assert world.article.workflow_in_progress


def approve(world, user):
    task_state = world.article.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(world.article.pk, "approve", task_state.pk)
    )
    world.as_(user).post(url, {"comment": ""})


def let_time_pass(page):
    """What was scheduled for an hour from now is now due (as if the hour had passed)."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    for revision in Revision.page_revisions.filter(object_id=str(page.pk)):
        if revision.approved_go_live_at or revision.content.get("go_live_at"):
            revision.content["go_live_at"] = past.isoformat()
            revision.approved_go_live_at = revision.approved_go_live_at and past
            revision.save(update_fields=["content", "approved_go_live_at"])
    Page.objects.filter(pk=page.pk).exclude(go_live_at=None).update(go_live_at=past)


def edit_publish(world, user):
    world.as_(user).post(edit_url(world.article), article_form(world.article, "publish"))
    return world.article.slug, "en"


def create_publish(world, user):
    url = reverse("wagtailadmin_pages:add", args=("articles", "articlepage", world.index.pk))
    new = ArticlePage(title="Created and published", slug="created", author=world.clinician)
    world.as_(user).post(url, article_form(new, "publish"))
    return "created", "en"


def bulk_publish(world, user):
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    world.as_(user).post(f"{url}?id={world.article.pk}", {})
    return world.article.slug, "en"


def api_publish(world, user):
    url = reverse("wagtailadmin_api:pages:action", args=(world.article.pk, "publish"))
    world.as_(user).post(url, {}, content_type="application/json")
    return world.article.slug, "en"


def copy_publish(world, user):
    world.as_(user).post(
        reverse("wagtailadmin_pages:copy", args=(world.article.pk,)),
        {
            "new_title": "A copy",
            "new_slug": "a-copy",
            "new_parent_page": world.index.pk,
            "publish_copies": "on",
        },
    )
    return "a-copy", "en"


def api_copy(world, user):
    url = reverse("wagtailadmin_api:pages:action", args=(world.article.pk, "copy"))
    world.as_(user).post(
        url,
        {"slug": "an-api-copy", "keep_live": True, "destination_page_id": world.index.pk},
        content_type="application/json",
    )
    return "an-api-copy", "en"


def move(world, user):
    """Into another articles index (another site's), which has the same workflow."""
    other_home = HomePageFactory(parent=Page.get_first_root_node(), slug="other-home")
    Site.objects.create(hostname="other.test", root_page=other_home)
    other_index = ArticleIndexPageFactory(parent=other_home, slug="other-articles")
    url = reverse("wagtailadmin_pages:move_confirm", args=(world.article.pk, other_index.pk))
    world.as_(user).post(url)
    return world.article.slug, "en"


def revert_publish(world, user):
    """Bring back a revision nobody reviewed, and publish it."""
    url = reverse(
        "wagtailadmin_pages:revisions_revert", args=(world.article.pk, world.old_draft.pk)
    )
    world.as_(user).post(url, article_form(world.article, "publish", summary=OLD_DRAFT))
    return world.article.slug, "en"


def publish_scheduled(world, user):
    """The role schedules the change for an hour from now as far as it can, the hour passes and
    ``manage.py publish_scheduled`` runs: a reviewer approves a submission scheduled so."""
    in_an_hour = timezone.localtime() + datetime.timedelta(hours=1)
    go_live_at = in_an_hour.strftime("%Y-%m-%d %H:%M")
    if user.groups.filter(name="Medical reviewers").exists():
        submit_change(world, go_live_at=go_live_at)
        approve(world, user)
    else:
        for action in ("publish", "save"):
            world.as_(user).post(
                edit_url(world.article),
                article_form(world.article, action, go_live_at=go_live_at),
            )
    let_time_pass(world.article)
    call_command("publish_scheduled", verbosity=0)
    return world.article.slug, "en"


def workflow_approve(world, user):
    submit_change(world)
    approve(world, user)
    return world.article.slug, "en"


def unpublish(world, user):
    url = reverse("wagtailadmin_pages:unpublish", args=(world.article.pk,))
    world.as_(user).post(url)
    return world.article.slug, "en"


def start_translation(world, user):
    """wagtail-localize's Translate, subtree included (it publishes a live source's translation
    unless WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is off, as cms/settings has it)."""
    url = reverse("wagtail_localize:submit_page_translation", args=(world.article.pk,))
    spanish = Locale.objects.get(language_code="es")
    world.as_(user).post(url, {"locales": [spanish.pk], "include_subtree": "on"})
    return world.article.slug, "es"


def sync_publish(world, user):
    """wagtail-localize's Sync translated pages with Publish immediately ticked."""
    draft = world.spanish_draft()
    source = TranslationSource.objects.get(object_id=world.article.translation_key)
    url = reverse("wagtail_localize:update_translations", args=(source.pk,))
    world.as_(user).post(url, {"publish_translations": "on"})
    return draft.slug, "es"


def publish_translation(world, user):
    """Publish in wagtail-localize's translation editor."""
    draft = world.spanish_draft()
    world.as_(user).post(edit_url(draft), {"action": "publish"})
    return draft.slug, "es"


def convert_to_alias(world, user):
    """wagtail-localize's Convert to alias: a translation becomes an alias of its source."""
    draft = world.spanish_draft()
    url = reverse("wagtail_localize:convert_to_alias", args=(draft.pk,))
    world.as_(user).post(url)
    return draft.slug, "es"


def convert_alias(world, user):
    """Wagtail's Convert alias to ordinary page, on an alias of the article."""
    article = ArticlePage.objects.get(pk=world.article.pk)  # as live, not as last edited
    alias = article.create_alias(update_slug="nerve-pain-alias")
    world.as_(user).post(reverse("wagtailadmin_pages:convert_alias", args=(alias.pk,)))
    return alias.slug, "en"


def snippet_edit(model, field_name, value):
    """A snippet's edit form, with Publish pressed: the article that shows it is where patients
    read it."""

    def perform(world, user):
        snippet = {
            "condition": world.condition,
            "treatment": world.treatment,
            "clinician": world.clinician,
        }[model]
        fields = {"clinician": ("name", "credentials", "specialty", "bio")}
        data = {name: getattr(snippet, name) for name in fields.get(model, ("name", "slug"))}
        data[field_name] = value
        data["action-publish"] = "action-publish"
        url = reverse(f"wagtailsnippets_articles_{model}:edit", args=(snippet.pk,))
        world.as_(user).post(url, data)
        return world.article.slug, "en", snippet

    perform.__name__ = f"snippet_{model}"
    return perform


def translate_snippet(world, user):
    """wagtail-localize's Translate on a condition: its Spanish version, in the Spanish list."""
    url = reverse(
        "wagtail_localize:submit_snippet_translation",
        args=("articles", "condition", world.condition.pk),
    )
    spanish = Locale.objects.get(language_code="es")
    world.as_(user).post(url, {"locales": [spanish.pk]})
    return "/api/v2/conditions/?locale=es", "es"


def import_publish(world, user):
    """``manage.py import_articles --publish``: there is no such option, and what it imports
    are drafts."""
    with tempfile.TemporaryDirectory() as folder:
        (FilePath(folder) / "imported.md").write_text("# Imported article\n\nWalk daily.\n")
        with pytest.raises(CommandError, match="unrecognized arguments: --publish"):
            call_command("import_articles", folder, "--parent", "/articles/", "--publish")
        call_command("import_articles", folder, "--parent", "/articles/", stdout=StringIO())
    assert ArticlePage.objects.filter(slug="imported-article").exists()
    return "imported-article", "en"


# The matrix -----------------------------------------------------------------------------------


def superuser_only(**others):
    """Live only when a superuser does it (logged); ``others`` for the roles that differ."""
    return {role: LOGGED if role == "superuser" else NOT_LIVE for role in ROLES} | others


@dataclass(frozen=True)
class PublishPath:
    name: str
    perform: object
    outcomes: dict
    covers: tuple  # the URL names, API or bulk actions and code (see below) it takes
    open_for: tuple = ()  # roles for which the row is open today
    open_until: str = ""  # the branch that closes them


def SNIPPET_URLS(*names):  # noqa: N802  (reads as the constant lists it fills)
    """The admin URL names ``names`` of each medical snippet's viewset."""
    return tuple(
        f"url:wagtailsnippets_articles_{model}:{name}"
        for model in ("clinician", "condition", "treatment")
        for name in names
    )


PATHS = [
    PublishPath(
        "Edit view: Publish",
        edit_publish,
        superuser_only(),
        (
            "code:wagtail/admin/views/pages/edit.py",
            "code:wagtail/actions/publish_page_revision.py",
            "code:wagtail/actions/publish_revision.py",
            "code:wagtail/models/revisions.py",
            "code:wagtail/models/draft_state.py",
        ),
    ),
    PublishPath(
        "Create and publish",
        create_publish,
        superuser_only(),
        ("code:wagtail/admin/views/pages/create.py",),
    ),
    PublishPath(
        "Bulk publish",
        bulk_publish,
        superuser_only(),
        (
            "url:wagtail_bulk_action",
            "bulk:wagtailcore.page:publish",
            "code:wagtail/admin/views/pages/bulk_actions/publish.py",
        ),
    ),
    PublishPath(
        "Admin API: publish",
        api_publish,
        superuser_only(),
        (
            "url:wagtailadmin_api:pages:action",
            "api:publish",
            "code:wagtail/admin/api/actions/publish.py",
        ),
    ),
    PublishPath(
        "Copy, publish copies",
        copy_publish,
        superuser_only(),
        ("url:wagtailadmin_pages:copy", "code:wagtail/actions/copy_page.py"),
    ),
    PublishPath("Admin API: copy, keep live", api_copy, superuser_only(), ("api:copy",)),
    PublishPath(
        "Move",
        move,
        {role: NOT_LIVE for role in ROLES},
        ("url:wagtailadmin_pages:move", "url:wagtailadmin_pages:move_confirm"),
    ),
    PublishPath(
        "Revert to a revision, publish",
        revert_publish,
        superuser_only(),
        ("url:wagtailadmin_pages:revisions_revert",),
    ),
    PublishPath(
        "Scheduled go-live (publish_scheduled)",
        publish_scheduled,
        superuser_only(**{"medical reviewer": REVIEWED}),
        ("code:wagtail/management/commands/publish_scheduled.py",),
    ),
    PublishPath(
        "Workflow approval",
        workflow_approve,
        superuser_only(**{"medical reviewer": REVIEWED}),
        (
            "url:wagtailadmin_pages:workflow_action",
            "url:wagtailadmin_pages:collect_workflow_action_data",
            "code:articles/workflows.py",
            # The medical snippets' approval is the same task's (tests/test_snippet_review.py
            # approves each through it).
            *SNIPPET_URLS("workflow_action", "collect_workflow_action_data"),
        ),
    ),
    PublishPath(
        "Unpublish",
        unpublish,
        {
            role: TAKEN_DOWN if role in ("moderator", "publisher", "superuser") else NOT_LIVE
            for role in ROLES
        },
        (
            "url:wagtailadmin_pages:unpublish",
            *SNIPPET_URLS("unpublish"),
            "code:wagtail/actions/unpublish.py",
            "code:wagtail/actions/unpublish_page.py",
        ),
    ),
    PublishPath(
        "wagtail-localize: start translation",
        start_translation,
        {role: NOT_LIVE for role in ROLES},
        ("url:wagtail_localize:submit_page_translation", "code:wagtail_localize/models.py"),
    ),
    PublishPath(
        "wagtail-localize: sync, publish immediately",
        sync_publish,
        superuser_only(),
        (
            "url:wagtail_localize:update_translations",
            "code:wagtail_localize/views/update_translations.py",
            # Ours, in its place (articles/translations.py): the same URL, refusing to publish.
            "url:articles_sync_translations",
            "code:articles/translations.py",
        ),
    ),
    PublishPath(
        "wagtail-localize: publish translation",
        publish_translation,
        superuser_only(),
        ("code:wagtail_localize/views/edit_translation.py",),
    ),
    PublishPath(
        "wagtail-localize: convert to alias",
        convert_to_alias,
        # An alias of a live source is live at once: only for who may publish the page.
        {role: MIRRORED if role == "superuser" else NOT_LIVE for role in ROLES},
        (
            "url:wagtail_localize:convert_to_alias",
            "code:wagtail_localize/views/convert.py",
            "url:articles_convert_to_alias",  # ours in its place, refusing non-publishers
        ),
    ),
    PublishPath(
        "Convert alias to page",
        convert_alias,
        {role: MIRRORED for role in ROLES},
        ("url:wagtailadmin_pages:convert_alias", "code:wagtail/models/pages.py"),
    ),
    PublishPath(
        "Snippet: condition",
        snippet_edit("condition", "description", CHANGE),
        superuser_only(),
        (
            # Copy is the create form filled in from another snippet: the same save.
            "url:wagtailsnippets_articles_condition:copy",
            # Reverting is the edit form filled in from an old revision: the same save.
            *SNIPPET_URLS("revisions_revert"),
            "code:wagtail/admin/views/generic/mixins.py",
            "code:wagtail/actions/edit.py",
        ),
    ),
    PublishPath(
        "Snippet: treatment",
        snippet_edit("treatment", "regulatory_note", CHANGE),
        superuser_only(),
        ("url:wagtailsnippets_articles_treatment:copy", "code:wagtail/actions/create.py"),
    ),
    PublishPath(
        "Snippet: clinician",
        snippet_edit("clinician", "bio", CHANGE),
        superuser_only(),
        ("url:wagtailsnippets_articles_clinician:copy",),
    ),
    PublishPath(
        "wagtail-localize: translate a snippet",
        translate_snippet,
        {role: NOT_LIVE for role in ROLES},
        ("url:wagtail_localize:submit_snippet_translation",),
    ),
    PublishPath(
        "import_articles --publish",
        import_publish,
        {ANY_ROLE: NOT_LIVE},
        (),  # nothing in the importer publishes (publishing_code() finds none)
    ),
]


def cases():
    for path in PATHS:
        for role in path.outcomes:
            marks = []
            if role in path.open_for:
                reason = f"open until branch {path.open_until} lands"
                marks.append(pytest.mark.xfail(strict=True, reason=reason))
            yield pytest.param(path, role, id=f"{path.perform.__name__}-{role}", marks=marks)


def bypass_entries(subject, since):
    """The "Published without medical review" entries in ``subject``'s history since then."""
    entries = log_registry.get_logs_for_instance(subject)
    return list(entries.filter(action=PUBLISH_WITHOUT_REVIEW_LOG_ACTION, timestamp__gte=since))


@pytest.mark.parametrize(("path", "role"), list(cases()))
def test_publish_path(world, django_capture_on_commit_callbacks, path, role):
    user = world.user(role) if role in ROLES else None
    # What the role's action could change; pages it creates do not exist yet (404).
    before = {
        (slug, language): world.public(slug, language)
        for slug, language in [
            (world.article.slug, "en"),
            (world.article.slug, "es"),
            ("/api/v2/conditions/?locale=es", "es"),
        ]
    }
    live_source = before[(world.article.slug, "en")]
    started = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        slug, language, *snippet = path.perform(world, user)
    after = world.public(slug, language)
    # Whose history records a bypass: the page's, or the snippet's that the page shows.
    pages = Page.objects.filter(slug=slug, locale__language_code=language)
    subject = snippet[0] if snippet else pages.first()
    outcome = path.outcomes[role]

    if outcome == NOT_LIVE:
        assert after == before.get((slug, language), {"status": 404})
    elif outcome == TAKEN_DOWN:
        assert after == {"status": 404}
    elif outcome == MIRRORED:  # the source's words and review (its author, in this language)
        assert after["status"] == 200
        for name in ("summary", "reviewer", "last_reviewed"):
            assert after[name] == live_source[name]
        assert after["author"]["name"] == live_source["author"]["name"]
    elif outcome == REVIEWED:
        assert after["status"] == 200 and after["summary"] == CHANGE
        assert after["reviewer"] == user.clinician.name
        assert after["last_reviewed"] == timezone.localdate().isoformat()
        assert bypass_entries(subject, started) == []
    elif outcome == LOGGED:
        assert after["status"] == 200 and after != before.get((slug, language))
        assert [entry.user for entry in bypass_entries(subject, started)] == [user]
    else:
        raise AssertionError(f"unknown outcome {outcome!r}")


def test_a_bypass_is_in_the_page_history(world):
    superuser = world.user("superuser")
    started = timezone.now()
    edit_publish(world, superuser)
    history = world.as_(superuser).get(
        reverse("wagtailadmin_pages:history", args=(world.article.pk,))
    )
    assert "Published without medical review" in history.text
    [entry] = bypass_entries(world.article, started)
    assert entry.user == superuser
    assert entry.revision_id == Page.objects.get(pk=world.article.pk).live_revision_id


# Completeness ---------------------------------------------------------------------------------

PUBLISH_WORDS = re.compile(
    r"publish|revert|revision|copy|move|bulk|update|convert|alias|locali[sz]e|translat|workflow"
    r"|schedul|action|position|submit"
)
"""URL names that may put something live. The edit and create views are in every row."""

PUBLISHING_CODE = re.compile(
    r"\.publish\(|\.publish\)|publish=True|published\.send\(|Publish(?:Page)?RevisionAction\("
)
"""Source that publishes: calls publish, defers it, asks for it, or says it happened."""

CONTENT_MODELS = {
    "wagtailcore.page",
    "articles.clinician",
    "articles.condition",
    "articles.treatment",
}

NOT_PUBLISHING = {
    # Ours
    "url:articles_submit_translation": "starts the Medical review workflow on a draft",
    "url:articles_translation_checks": "reads (GET only: a translation's checks, nothing saved)",
    "url:contact:submit": "a patient's form submission, not content",
    "code:wagtail/workflows.py": "Wagtail's finish action, replaced by ours "
    "(WAGTAIL_FINISH_WORKFLOW_ACTION: articles/workflows.py)",
    "code:demo/contact.py": "load_demo_content (set aside by #27; its articles go through review)",
    "code:demo/management/commands/load_demo_content.py": "load_demo_content, as above",
    # Reading, never writing
    "url:wagtail_localize:download_pofile": "reads",
    "url:wagtail_localize:javascript_catalog": "reads",
    "url:wagtail_localize:preview_translation": "reads",
    "url:wagtail_localize:snippets_api_detail": "reads",
    "url:wagtail_localize:snippets_api_listing": "reads",
    "url:wagtail_localize:translations_report": "reads",
    "url:wagtail_localize:translations_report_results": "reads",
    "url:wagtailadmin_pages:revisions_compare": "reads",
    "url:wagtailadmin_pages:revisions_index": "reads",
    "url:wagtailadmin_pages:revisions_view": "reads",
    "url:wagtailadmin_pages:workflow_history": "reads",
    "url:wagtailadmin_pages:workflow_history_detail": "reads",
    "url:wagtailadmin_pages:workflow_preview": "reads",
    "url:wagtailadmin_reports:workflow": "reads",
    "url:wagtailadmin_reports:workflow_results": "reads",
    "url:wagtailadmin_reports:workflow_tasks": "reads",
    "url:wagtailadmin_reports:workflow_tasks_results": "reads",
    "url:articles_as_published": "reads",
    "url:articles_preview_translation": "reads (the translation editor's Preview, beside its source)",
    "url:articles_translation_preview": "reads (wagtail-localize's preview of the translation)",
    **{
        url: "reads"
        for url in SNIPPET_URLS(
            "revisions_compare", "workflow_history", "workflow_history_detail", "as_published"
        )
    },
    **{
        url: "cancels a review or a scheduled go-live; publishes nothing"
        for url in SNIPPET_URLS("confirm_workflow_cancellation", "revisions_unschedule")
    },
    # Writing elsewhere than what patients read
    "url:wagtail_localize:edit_override": "saves into the translation, not the page, until a "
    "publish or sync (rows above)",
    "url:wagtail_localize:edit_string_translation": "as edit_override",
    "url:wagtail_localize:machine_translate": "as edit_override",
    "url:wagtail_localize:upload_pofile": "as edit_override",
    "url:wagtail_localize:stop_translation": "stops syncing; the page stays as it is",
    "url:wagtailadmin_pages:confirm_workflow_cancellation": "cancels a review; publishes nothing",
    "url:wagtailadmin_pages:revisions_unschedule": "cancels a scheduled go-live",
    "url:wagtailadmin_pages:set_page_position": "orders siblings",
    "url:wagtaillocales:copy": "languages, not content",
    "url:wagtailsites:copy": "sites, not content",
    "url:wagtailusers_users:copy": "users, not content",
    "url:wagtailsnippets_home_clinicsettings:copy": "clinic settings: not medical text",
    # Managing workflows is for superusers; an article without one still cannot be published
    # but by a superuser (articles/permissions.py).
    **{
        f"url:wagtailadmin_workflows:{name}": "manages workflows (superusers)"
        for name in (
            "add",
            "add_task",
            "disable",
            "disable_task",
            "edit",
            "edit_task",
            "enable",
            "enable_task",
            "index",
            "index_results",
            "remove",
            "select_task_type",
            "task_chooser",
            "task_chooser_create",
            "task_chooser_results",
            "task_chosen",
            "task_index",
            "task_index_results",
            "usage",
            "usage_results",
        )
    },
    # The admin API's other actions (PagesAdminAPIViewSet.actions), each the action class of
    # an admin view in the matrix, none publishing.
    "api:convert_alias": "ConvertAliasPageAction, as Convert alias to page",
    "api:copy_for_translation": "copies into another language as a draft (keep_live=False)",
    "api:create_alias": "an alias mirrors its live source, as Convert to alias",
    "api:delete": "deletes",
    "api:move": "MovePageAction, as Move",
    "api:revert_to_page_revision": "saves the old revision as a new draft; publishes nothing",
    "api:unpublish": "takes a page down, as Unpublish",
    "bulk:wagtailcore.page:delete": "deletes",
    "bulk:wagtailcore.page:move": "MovePageAction, as Move",
    "bulk:wagtailcore.page:unpublish": "takes pages down, as Unpublish",
    **{
        f"bulk:articles.{model}:delete": "deletes"
        for model in ("clinician", "condition", "treatment")
    },
}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join(filter(None, [namespace, pattern.name]))


def publishing_code():
    """Modules of Wagtail, wagtail-localize and this project that publish (tests aside)."""
    roots = [FilePath(wagtail.__file__).parent, FilePath(wagtail_localize.__file__).parent]
    project = FilePath(__file__).parent.parent
    roots += [project / app for app in ("articles", "cms", "contact", "demo", "headless", "home")]
    roots.append(project / "webhooks")
    for root in roots:
        base = root.parent
        for module in root.rglob("*.py"):
            name = module.relative_to(base).as_posix()
            if re.search(r"(^|/)(tests?|test_\w+|migrations)(/|\.py$)", name):
                continue
            if PUBLISHING_CODE.search(module.read_text(encoding="utf-8")):
                yield name


def publish_capable():
    """Every way to put something live that Wagtail, wagtail-localize and this project offer,
    as installed: admin URLs, admin API actions, bulk actions, and the code that publishes."""
    yield from (f"url:{name}" for name in url_names() if PUBLISH_WORDS.search(name))
    yield from (f"api:{name}" for name in PagesAdminAPIViewSet.actions)
    for action in hooks.get_hooks("register_bulk_action"):
        for model in action.models:
            if model._meta.label_lower in CONTENT_MODELS:
                yield f"bulk:{model._meta.label_lower}:{action.action_type}"
    yield from (f"code:{name}" for name in publishing_code())


def test_every_publish_path_is_in_the_matrix():
    covered = {name for path in PATHS for name in path.covers}
    assert not covered & NOT_PUBLISHING.keys()
    assert set(publish_capable()) == covered | NOT_PUBLISHING.keys()


# The table in docs/medical-review.md ----------------------------------------------------------

DOC = FilePath(__file__).parent.parent / "docs" / "medical-review.md"


def matrix_table():
    """The matrix as the Markdown table docs/medical-review.md shows."""
    lines = [
        "| Path | " + " | ".join(ROLES) + " |",
        "| --- |" + " --- |" * len(ROLES),
    ]
    for path in PATHS:
        cells = []
        for role in ROLES:
            outcome = path.outcomes.get(role) or path.outcomes[ANY_ROLE]
            if role in path.open_for:
                outcome += f" (open until {path.open_until})"
            cells.append(outcome)
        lines.append(f"| {path.name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def test_the_documented_matrix_is_the_tested_one():
    table = matrix_table()
    assert table in DOC.read_text(), f"docs/medical-review.md should show:\n\n{table}"
