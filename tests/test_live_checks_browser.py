"""An editor types in the real Wagtail admin, in headless Chromium, and the Checks panel's
reading level follows, with nothing saved."""

import os
import re

import pytest
import wagtail_factories
from playwright.sync_api import expect

from articles import body
from articles.models import ArticlePage
from tests.browser import log_in, open_editor, rich_text_editor
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.browser

LONG_SENTENCE = (
    " Comprehensive multidisciplinary rehabilitation incorporating pharmacological "
    "optimisation, interventional procedures and graded physiotherapeutic reconditioning "
    "demonstrates considerable effectiveness regarding functional restoration."
)


@pytest.fixture
def admin_url(live_server, transactional_db, django_db_serialized_rollback, site, settings):
    """The live server's admin (serialized rollback, as tests/conftest.py explains),
    with the built-in preview and without autosave: whatever the panel shows comes from the
    preview, and the in-memory SQLite of the live server cannot take an autosave beside it."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": ""},
    }
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    return f"{live_server.url}/admin/"


def grade_in(locator):
    return float(re.search(r"grade ([\d.]+)", locator.inner_text()).group(1))


def test_the_section_grade_rises_as_the_editor_types_and_falls_when_it_is_fixed(
    browser_page, admin_url, article_index, django_user_model
):
    article = ArticlePageFactory(
        parent=article_index,
        title="Your first visit",
        body=[
            body.heading("Before you come"),
            body.paragraph("<p>Bring your pills. Wear warm clothes.</p>"),
            body.heading("What the treatment is"),
            body.paragraph("<p>It helps with pain. You lie down.</p>"),
        ],
    )
    article.save_revision().publish()
    revisions = article.revisions.count()
    page = browser_page
    log_in(page, admin_url, django_user_model)
    open_editor(page, f"{admin_url}pages/{article.pk}/edit/")

    page.get_by_role("button", name="Toggle checks").click()
    panel = page.locator("[data-side-panel='checks']")
    expect(panel.locator("[data-live-reading-article]")).to_have_text(re.compile(r"^Grade "))
    expect(panel.locator("[data-live-reading-formula]")).to_have_text("Flesch-Kincaid grade")
    expect(panel.locator("[data-live-reading-none]")).to_be_visible()

    paragraph = rich_text_editor(page, "body-3-value")
    paragraph.click()
    section = panel.locator("[data-live-reading-section]")
    expect(section).to_have_text(re.compile(r"^What the treatment is: grade [\d.]+ \(target 8\)$"))
    easy = grade_in(section)
    assert easy <= 8

    page.keyboard.press("End")
    paragraph.press_sequentially(LONG_SENTENCE)
    expect(section).not_to_have_text(f"What the treatment is: grade {easy} (target 8)")
    harder = grade_in(section)
    assert harder > 8
    above = panel.locator("[data-live-reading-above] button")
    expect(above).to_have_text([f"What the treatment is: grade {harder} (target 8)"])
    issues = panel.locator("[data-checks-panel]")
    expect(issues.get_by_text("Reads harder than the target").first).to_be_visible()
    if os.environ.get("SCREENSHOT_LIVE_CHECKS"):
        # README's picture: `SCREENSHOT_LIVE_CHECKS=docs/images/live-checks.png pytest -m browser ...`
        page.screenshot(path=os.environ["SCREENSHOT_LIVE_CHECKS"])

    page.keyboard.press("Control+A")
    paragraph.press_sequentially("It helps. You rest.")
    expect(above).to_have_count(0)
    fixed = grade_in(section)
    assert fixed <= 8
    expect(panel.locator("[data-live-reading-none]")).to_be_visible()

    # Nothing was saved on the way.
    assert article.revisions.count() == revisions
    stored = ArticlePage.objects.get(pk=article.pk)
    assert "Comprehensive" not in str(stored.body)


def test_clicking_a_problem_in_the_checks_panel_brings_its_block_into_the_editor(
    browser_page, admin_url, article_index, django_user_model
):
    article = ArticlePageFactory(
        parent=article_index,
        title="Your first visit",
        hero_image=wagtail_factories.ImageFactory(title="The clinic"),
        hero_image_alt="",
        body=[
            body.heading("Before you come"),
            body.paragraph("<p>Bring your pills.</p>"),
            body.paragraph('<p>Our leaflet is <a href="https://clinic.example/">here</a>.</p>'),
        ],
    )
    article.save_revision().publish()
    page = browser_page
    log_in(page, admin_url, django_user_model)
    open_editor(page, f"{admin_url}pages/{article.pk}/edit/")

    page.get_by_role("button", name="Toggle checks").click()
    issues = page.locator("[data-side-panel='checks'] [data-checks-panel]")
    row = issues.locator("[data-content-checker-row]").filter(
        has_text="Link text does not say where it goes"
    )
    expect(row).to_have_count(1)
    pages_before = len(page.context.pages)
    row.locator("[data-content-checker-selector]").click()

    focused = rich_text_editor(page, "body-2-value")
    expect(focused).to_be_focused()

    hero = issues.locator("[data-content-checker-row]").filter(
        has_text="Hero image without alt text"
    )
    hero.locator("[data-content-checker-selector]").click()
    expect(page.locator("#id_hero_image_alt")).to_be_focused()
    assert len(page.context.pages) == pages_before  # no preview opened in a new tab
