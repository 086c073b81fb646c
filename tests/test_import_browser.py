"""An editor imports a clinician's Word document from the articles index, in headless Chromium."""

import pytest
from playwright.sync_api import expect

from articles.models import ArticlePage
from tests.browser import log_in
from tests.test_import_word import clinician_document

pytestmark = pytest.mark.browser


def test_an_editor_uploads_a_word_document_reads_its_outline_and_edits_the_draft(
    browser_page, admin_url, article_index, django_user_model, tmp_path
):
    page = browser_page
    log_in(page, admin_url, django_user_model)
    document = clinician_document(tmp_path / "nerve-pain.docx")

    page.goto(f"{admin_url}pages/{article_index.id}/")
    page.get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Import articles").click()
    page.get_by_label("Files").set_input_files(str(document))
    page.get_by_role("button", name="Show what will be imported").click()

    outline = page.locator(".import-outline")
    expect(outline).to_contain_text("title: Living well with nerve pain")
    expect(outline).to_contain_text("item: Will the injection hurt?")
    expect(page.locator(".import-warnings")).to_contain_text("has no alt text")
    assert not ArticlePage.objects.exists()

    page.get_by_role("button", name="Create 1 draft").click()
    page.wait_for_url(f"{admin_url}pages/*/edit/")
    expect(page.locator(".messages")).to_contain_text("Imported 1 draft article")
    expect(page.locator("#id_title")).to_have_value("Living well with nerve pain")
    accordion_title = page.locator("input[name$='-value-items-0-value-title']")
    expect(accordion_title).to_have_value("Will the injection hurt?")
    assert not ArticlePage.objects.get().live
