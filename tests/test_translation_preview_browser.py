"""A translator's Preview in wagtail-localize's translation editor shows the translation beside
its source, in headless Chromium (Debian's chromium; see tests/test_admin_browser.py)."""

import re

import pytest
from django.db import connection
from playwright.sync_api import expect

from tests.browser import sign_in, translate_into_spanish

pytestmark = pytest.mark.browser


def test_the_translation_editors_preview_shows_the_translation_beside_its_source(
    browser_page,
    admin_url,
    article_to_translate,
):
    if connection.vendor == "sqlite":
        # The page loads its two frames at once, and Django's live server shares the test's one
        # in-memory SQLite connection between its threads: two requests at once collide there
        # ("cannot open savepoint - SQL statements in progress"), never on a served SQLite file,
        # where each thread has its own connection. CI runs this on PostgreSQL.
        pytest.skip("two requests at once on the live server's shared in-memory SQLite connection")
    article = article_to_translate

    page = browser_page
    sign_in(page, admin_url)
    translate_into_spanish(
        page, admin_url, article, "Why sleep matters", "Por qué importa el sueño"
    )

    # The editor's Preview opens a new tab: the source and the translation side by side, the
    # translation as the editor holds it (saved segments, not yet written into a draft).
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Preview", exact=True).click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.get_by_role("heading", name=re.compile("beside its source"))).to_be_visible()
    source, translation = (
        preview.frame_locator("iframe").first,
        preview.frame_locator("iframe").last,
    )
    expect(source.locator("body")).to_contain_text("Why sleep matters")
    expect(translation.locator("body")).to_contain_text("Por qué importa el sueño")
    expect(translation.locator("body")).not_to_contain_text("Why sleep matters")
