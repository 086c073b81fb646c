"""An editor writes, previews and publishes articles in the real Wagtail admin, in headless Chromium.

Uses Debian's chromium (``apt-get install chromium``), never a browser Playwright downloads.
Without it the test is skipped, except on CI, where it fails.
"""

import datetime
import html
import json
import os
import re
from http.server import BaseHTTPRequestHandler
from urllib.error import HTTPError
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.html import strip_tags
from playwright.sync_api import expect
from wagtail_localize.models import Translation

from articles import body
from articles.models import ArticlePage
from home.models import ClinicSettings
from tests import servers
from tests.browser import (
    PASSWORD,
    add_block,
    log_in,
    open_editor,
    send_html,
    serving,
    sign_in,
    translate_into_spanish,
    type_rich_text,
    wait_for_autosave,
)
from tests.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    default_site,
    translate,
)

pytestmark = pytest.mark.browser


def test_an_editor_publishes_an_article_with_an_accordion(
    browser_page, admin_url, article_index, django_user_model
):
    page = browser_page
    log_in(page, admin_url, django_user_model)

    page.goto(f"{admin_url}pages/add/articles/articlepage/{article_index.id}/")
    page.locator("#id_title").fill("Preparing for your first visit")
    page.locator("#id_summary").fill("What to bring and what will happen.")

    add_block(page, "Heading", 0)
    page.locator("input[name='body-0-value-text']").fill("Before you arrive")

    add_block(page, "Paragraph", 1)
    type_rich_text(page, "body-1-value", "Bring a list of your medicines.")

    add_block(page, "Accordion", 2)
    accordion = page.locator("[data-contentpath='items']").filter(
        has=page.locator("input[name='body-2-value-items-count']")
    )
    # The new block's first item is drawn by its script: add the second once it is there (on
    # a busy machine a click before that was lost).
    page.locator("input[name='body-2-value-items-0-value-title']").wait_for()
    accordion.locator("button[data-streamfield-list-add]").last.click()
    page.locator("input[name='body-2-value-items-1-value-title']").wait_for()
    page.locator("input[name='body-2-value-items-0-value-title']").fill("How long is a visit?")
    type_rich_text(page, "body-2-value-items-0-value-body", "About an hour.")
    page.locator("input[name='body-2-value-items-1-value-title']").fill("Can someone come?")
    type_rich_text(page, "body-2-value-items-1-value-body", "Yes, a friend is welcome.")

    wait_for_autosave(page)
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(f"{admin_url}pages/{article_index.id}/")
    assert "Preparing for your first visit" in page.locator(".messages").inner_text()

    article = ArticlePage.objects.child_of(article_index).get()
    assert article.live
    assert article.slug == "preparing-for-your-first-visit"
    assert [block.block_type for block in article.body] == ["heading", "paragraph", "accordion"]
    assert article.body[0].value["text"] == "Before you arrive"
    assert strip_tags(article.body[1].value.source) == "Bring a list of your medicines."
    items = article.body[2].value["items"]
    assert [(item["title"], strip_tags(item["body"].source)) for item in items] == [
        ("How long is a visit?", "About an hour."),
        ("Can someone come?", "Yes, a friend is welcome."),
    ]

    # A frontend finds the article in the listing and reads its body from the detail.
    api_url = admin_url.removesuffix("admin/") + "api/v2/pages/"
    listing = page.request.get(f"{api_url}?type=articles.ArticlePage")
    assert listing.status == 200, listing.text()
    assert [item["id"] for item in listing.json()["items"]] == [article.id]
    detail = page.request.get(f"{api_url}{article.id}/")
    assert detail.status == 200, detail.text()
    body = detail.json()["body"]
    assert [block["type"] for block in body] == ["heading", "paragraph", "accordion"]
    assert body[0]["value"]["text"] == "Before you arrive"
    assert "Bring a list of your medicines." in json.dumps(body[1]["value"])
    items = body[2]["value"]["items"]
    assert [item["title"] for item in items] == ["How long is a visit?", "Can someone come?"]
    assert "About an hour." in json.dumps(items[0]["body"])
    assert "Yes, a friend is welcome." in json.dumps(items[1]["body"])


def test_the_content_health_report_and_dashboard_panel(
    browser_page, admin_url, article_index, django_user_model
):
    easy = ArticlePageFactory(
        parent=article_index,
        title="Pacing your day",
        body=[
            body.heading("Plan the week"),
            body.paragraph("<p>Do a little, then rest. Add a bit more each week.</p>"),
        ],
    )
    hard = ArticlePageFactory(
        parent=article_index,
        title="Corticosteroid injections",
        body=[
            body.heading("The evidence"),
            body.paragraph(
                "<p>Intra-articular corticosteroid administration demonstrates considerable "
                "analgesic efficacy in osteoarthritic degeneration, notwithstanding potential "
                "hyperglycaemic complications in susceptible individuals.</p>"
            ),
            body.call_to_action("Click here", url="https://example.org/"),
        ],
        last_reviewed=datetime.date.today(),
    )
    page = browser_page
    log_in(page, admin_url, django_user_model)

    panel = page.locator("#content-health-section")
    expect(panel).to_contain_text("1 article above the target reading grade")
    expect(panel).to_contain_text("1 article with accessibility problems")
    expect(panel).to_contain_text("1 medical review overdue")

    panel.get_by_role("link", name="1 article above the target reading grade").click()
    page.wait_for_url(re.compile(r"/admin/reports/content-health/\?reading_level=above$"))
    chart = page.get_by_role("img", name=re.compile("Live articles by reading grade"))
    expect(chart).to_be_visible()
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(hard.title)
    expect(rows.first).to_contain_text("(above target)")
    assert easy.title not in page.locator("table.listing").inner_text()

    if os.environ.get("SCREENSHOT_CONTENT_HEALTH"):
        page.goto(f"{admin_url}reports/content-health/")
        page.locator("main").screenshot(path=os.environ["SCREENSHOT_CONTENT_HEALTH"])


def test_without_a_frontend_the_preview_panel_shows_the_draft_itself(
    browser_page, admin_url, article_index, django_user_model, settings
):
    """As with a newcomer's `make run`: no FRONTEND_PREVIEW_URL, the CMS renders the draft."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": ""},
    }
    # The live server's in-memory SQLite locks whole tables and never waits for them, so an
    # autosave beside a preview refresh fails there; on `make run`'s SQLite file they take turns
    # (the test of autosaves below).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    article = ArticlePageFactory(
        parent=article_index,
        title="Your first visit",
        body=[
            body.heading("Questions"),
            body.accordion([("How long is a visit?", "<p>About an hour.</p>")]),
        ],
    )
    article.save_revision().publish()
    page = browser_page
    log_in(page, admin_url, django_user_model)
    open_editor(page, f"{admin_url}pages/{article.pk}/edit/")

    page.get_by_role("button", name="Toggle preview").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Your first visit")
    expect(preview.get_by_text("Preview of an unpublished draft")).to_be_visible()

    page.locator("#id_title").fill("Before your first visit")
    page.locator("input[name='body-1-value-items-0-value-title']").fill("How long will I stay?")

    expect(preview.get_by_role("heading", level=1)).to_have_text("Before your first visit")
    item = preview.locator("details").first
    expect(item.locator("summary")).to_have_text("How long will I stay?")
    expect(item.get_by_text("About an hour.")).to_be_hidden()  # a closed <details>
    item.locator("summary").click()
    expect(item.get_by_text("About an hour.")).to_be_visible()
    assert ArticlePage.objects.get(pk=article.pk).title == "Your first visit"  # still live


def test_clinic_settings_open_with_a_translation_and_lead_to_it(
    browser_page, admin_url, site, django_user_model
):
    """As after `make run`: the settings are translated into Spanish. Settings > Clinic
    settings opens (it answered 500) and its status panel leads to the Spanish settings."""
    clinic = ClinicSettings.for_site(site)
    clinic.clinic_name = "Pain Clinic"
    clinic.save()
    translate(clinic, {"Pain Clinic": "Clínica del Dolor"})
    page = browser_page
    log_in(page, admin_url, django_user_model)

    page.get_by_role("button", name="Settings").click()
    page.get_by_role("link", name="Clinic settings", exact=True).click()
    expect(page.locator("#id_clinic_name")).to_have_value("Pain Clinic")

    page.get_by_role("button", name="Toggle status").click()
    page.get_by_role("button", name="Switch locales").click()
    page.locator("a[lang='es']").click()
    expect(page.get_by_text("Clínica del Dolor").first).to_be_visible()


class FakeFrontend(BaseHTTPRequestHandler):
    """A frontend's preview route: fetches the draft from the CMS and shows its title.

    ``self.server.cms_url`` is the CMS to ask; a CMS error is shown as the frontend would.
    """

    def do_GET(self):
        query = urlparse(self.path).query
        try:
            with urlopen(f"{self.server.cms_url}/api/v2/page_preview/?{query}", timeout=30) as got:
                status, body = 200, f"<h1>{html.escape(json.load(got)['title'])}</h1>"
        except HTTPError as error:
            status, body = 502, f"<p>The CMS answered {error.code}.</p>"
        send_html(self, status, f"<!doctype html><title>Preview</title>{body}".encode())

    def log_message(self, format, *args):
        pass  # quiet: the test reports what went wrong


@pytest.fixture
def frontend():
    with serving(FakeFrontend) as server:
        yield server


def test_the_live_preview_follows_every_autosave_on_sqlite(
    browser_page, frontend, sqlite_file_db, tmp_path, settings
):
    """As with `make run`: runserver and the webhook worker on one SQLite file (issue #13)."""
    page = browser_page
    home = default_site().root_page
    article = ArticlePageFactory(parent=ArticleIndexPageFactory(parent=home), title="Published")
    article.save_revision().publish()
    # Hashed as the server's settings (not the tests' fast MD5) can check it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{sqlite_file_db}",
        "FRONTEND_PREVIEW_URL": f"http://127.0.0.1:{frontend.server_port}/api/preview",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    log = tmp_path / "make-run.log"
    server_errors = []
    page.on("response", lambda r: r.status >= 500 and server_errors.append(f"{r.status} {r.url}"))
    with servers.runserver(env, log) as port, servers.db_worker(env, log):
        frontend.cms_url = f"http://127.0.0.1:{port}"
        admin_url = f"http://127.0.0.1:{port}/admin/"
        sign_in(page, admin_url)
        edit_url = f"{admin_url}pages/{article.pk}/edit/"
        open_editor(page, edit_url)
        page.get_by_role("button", name="Toggle preview").click()
        preview = page.frame_locator("#w-preview-iframe").frame_locator("iframe").locator("body")
        expect(preview).to_have_text("Published")

        for round in range(1, 11):
            title = f"Draft {round}"
            with page.expect_response(
                lambda r: r.request.method == "POST" and r.url == edit_url
            ) as autosave:
                page.locator("#id_title").fill(title)
            assert autosave.value.status == 200, autosave.value.text()
            expect(page.locator("#w-autosave-indicator")).to_have_attribute(
                "data-w-autosave-state-value", "saved"
            )
            expect(preview).to_have_text(title)

    assert not server_errors, log.read_text()
    assert "database is locked" not in log.read_text()


def test_a_translator_translates_a_heading_and_submits_it_for_review(
    browser_page, admin_url, article_to_translate
):
    article = article_to_translate

    page = browser_page
    sign_in(page, admin_url)
    # The translation editor: translate the heading segment and save it.
    translate_into_spanish(
        page, admin_url, article, "Why sleep matters", "Por qué importa el sueño"
    )

    spanish = ArticlePage.objects.get(
        translation_key=article.translation_key, locale__language_code="es"
    )
    page.goto(f"{admin_url}pages/{spanish.get_parent().pk}/")
    row = page.locator("tr", has_text="Sleep and pain")
    row.get_by_role("button", name=re.compile("More options")).click()
    row.get_by_role("link", name="Submit for medical review").click()
    page.get_by_role("button", name="Submit for medical review").click()
    expect(page.locator(".messages")).to_contain_text("submitted for medical review")

    spanish.refresh_from_db()
    assert spanish.workflow_in_progress and not spanish.live
    draft = spanish.get_latest_revision_as_object().body
    assert draft[0].value["text"] == "Por qué importa el sueño"


def test_an_editor_syncs_into_review_and_the_reviewer_sees_the_links(
    browser_page, admin_url, article_index, django_user_model, settings
):
    """N2 of #27: Publish immediately is not an editor's; the sync goes to medical review, and
    the review task's preview shows each link's target and the changes since the live version."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": ""},
    }
    article = ArticlePageFactory(
        parent=article_index,
        title="Sleep and pain",
        slug="sleep-and-pain",
        body=[("paragraph", '<p>Read <a href="https://example.com/sleep">the guide</a>.</p>')],
    )
    article.save_revision().publish()
    spanish = translate(article, {"Sleep and pain": "Sueño y dolor"}, publish=True)
    article.title = "Sleep, rest and pain"
    article.save_revision().publish()
    editor = django_user_model.objects.create_user("editor", password=PASSWORD)
    editor.groups.add(Group.objects.get(name="Editors"))
    source = Translation.objects.get(
        source__object_id=article.translation_key, target_locale=spanish.locale
    ).source

    page = browser_page
    sign_in(page, admin_url)
    page.goto(f"{admin_url}localize/update/{source.pk}/")
    expect(page.get_by_label("Submit for medical review")).to_be_visible()
    expect(page.get_by_text("Publish immediately")).to_have_count(0)
    # A form from before (or a forged one) that still asks to publish is refused.
    page.evaluate(
        """() => document.querySelector("input[type=submit][value=Submit]").form
            .insertAdjacentHTML(
                "beforeend", '<input type="hidden" name="publish_translations" value="on">')"""
    )
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".help-critical[role=alert]")).to_contain_text(
        "only through medical review"
    )
    spanish.refresh_from_db()
    assert spanish.title == "Sueño y dolor" and not spanish.workflow_in_progress

    page.goto(f"{admin_url}localize/update/{source.pk}/")
    page.get_by_label("Submit for medical review").check()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("submitted for medical review")
    spanish.refresh_from_db()
    assert spanish.workflow_in_progress and spanish.title == "Sueño y dolor"  # live unchanged

    reviewer = django_user_model.objects.create_user("reviewer", password=PASSWORD)
    reviewer.groups.add(Group.objects.get(name="Medical reviewers"))
    page.context.clear_cookies()
    sign_in(page, admin_url, "reviewer")
    task = spanish.current_workflow_task
    page.goto(f"{admin_url}pages/workflow/preview/{spanish.pk}/{task.pk}/")
    links = page.locator("section.review table")
    expect(links).to_contain_text("the guide")
    expect(links).to_contain_text("https://example.com/sleep")
    compare = page.get_by_role("link", name="Compare this draft with the published version")
    page.goto(admin_url.removesuffix("/admin/") + compare.get_attribute("href"))
    expect(page.get_by_text("Sleep, rest and pain").first).to_be_visible()
