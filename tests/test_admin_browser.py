"""An editor writes and publishes an article in the real Wagtail admin, in headless Chromium.

Uses Debian's chromium (``apt-get install chromium``), never a browser Playwright downloads.
Without it the test is skipped, except on CI, where it fails.
"""

import datetime
import json
import os
import re

import pytest
from django.utils.html import strip_tags
from playwright.sync_api import expect

from articles import body
from articles.models import ArticlePage
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def admin_url(live_server, transactional_db, django_db_serialized_rollback, site):
    """The live server's admin, for a site whose root has the articles index.

    The fixture ``site`` is the default site, so it answers for the live server's host and port.
    Serialized rollback brings back the root page and locale the migrations made, which a
    transactional test's flush would otherwise remove for the tests after it.
    """
    return f"{live_server.url}/admin/"


def log_in(page, admin_url, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    page.goto(admin_url)
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(admin_url)


def add_block(page, label, index):
    """Insert a block at the end of the body with the block chooser, as an editor does."""
    page.locator("button.c-sf-add-button[title='Insert a block']").last.click()
    page.get_by_role("option", name=label, exact=True).click()
    page.locator(f"input[name='body-{index}-type']").wait_for(state="attached")
    page.get_by_role("listbox").wait_for(state="hidden")


def rich_text_editor(page, name):
    """The Draftail editor whose value is submitted as the form field ``name``."""
    return page.locator(f"[data-streamfield-widget]:has(> input[name='{name}']) [role='textbox']")


def type_rich_text(page, name, text):
    editor = rich_text_editor(page, name)
    editor.click()
    editor.press_sequentially(text)
    # Draftail writes its content to the form field a moment after the last keystroke.
    expect(page.locator(f"input[name='{name}']")).to_have_value(re.compile(re.escape(text)))


def wait_for_autosave(page):
    """Wait, as an editor watching the header would, until Wagtail says the page is saved.

    With autosave on (Wagtail's default), the first autosave creates the page and only then does
    the form post to its edit view: publishing while that first save is in flight posts to the
    create view again and fails with "The slug ... is already in use".
    """
    if not page.locator("form[data-controller~='w-autosave']").count():
        return
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))
    expect(page.locator("#w-autosave-indicator")).to_have_attribute(
        "data-w-autosave-state-value", "saved"
    )


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
