"""An editor clicks a part of the preview panel and lands in its field in the editor, in Chromium.

Once in the built-in preview, once in a frontend's preview page served by the test: a tiny HTTP
server on 127.0.0.1 that renders the preview answer, marks it as docs/preview.md shows and
includes the CMS's ``preview-edit.js``, configured as the preview frontend.
"""

import html
import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest
from playwright.sync_api import expect

from articles import body
from tests.browser import log_in, open_editor, rich_text_editor, send_html, serving
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.browser


def preview_settings(settings, frontend_url):
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": frontend_url},
    }
    # An autosave beside a preview refresh fails on the live server's in-memory SQLite (see
    # tests/test_admin_browser.py); the preview panel still follows every edit.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0


def an_article(article_index):
    article = ArticlePageFactory(
        parent=article_index,
        title="Your first visit",
        summary="What to bring.",
        body=[
            body.heading("Before you arrive"),
            body.paragraph("<p>Bring a list of your medicines.</p>"),
            body.accordion([("How long is a visit?", "<p>About an hour.</p>")]),
        ],
    )
    article.save_revision().publish()
    return article


def open_editor_with_preview(page, admin_url, article, django_user_model):
    log_in(page, admin_url, django_user_model)
    open_editor(page, f"{admin_url}pages/{article.pk}/edit/")
    page.get_by_role("button", name="Toggle preview").click()


def test_a_click_on_a_paragraph_of_the_built_in_preview_lands_in_its_editor(
    browser_page, admin_url, article_index, django_user_model, settings
):
    preview_settings(settings, "")
    article = an_article(article_index)
    page = browser_page
    open_editor_with_preview(page, admin_url, article, django_user_model)
    preview = page.frame_locator("#w-preview-iframe")

    preview.get_by_text("Bring a list of your medicines.").click()

    expect(rich_text_editor(page, "body-1-value")).to_be_focused()
    expect(rich_text_editor(page, "body-1-value")).to_be_in_viewport()

    # Keyboard: Tab reaches the title in the preview, Enter goes to the title field.
    expect(preview.locator("h1")).to_have_attribute("tabindex", "0")
    preview.locator("h1").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_title")).to_be_focused()

    # An accordion item, inside its block: its own first field.
    preview.locator("details summary").first.click()  # the summary keeps its own click
    preview.get_by_text("About an hour.").click()
    expect(page.locator("input[name='body-2-value-items-0-value-title']")).to_be_focused()


class PreviewFrontend(BaseHTTPRequestHandler):
    """A frontend's preview route, marked for click-to-edit as docs/preview.md shows."""

    def do_GET(self):
        query = urlparse(self.path).query
        cms = self.server.cms_url
        with urlopen(f"{cms}/api/v2/page_preview/?{query}", timeout=30) as got:
            data = json.load(got)
        edit = data["meta"]["edit_paths"]
        blocks = "".join(
            f'<div data-block-id="{html.escape(block["id"])}">{block_html(block)}</div>'
            for block in data["body"]
        )
        content = (
            "<!doctype html><title>Preview</title>"
            f'<script src="{cms}/static/headless/preview-edit.js" defer></script>'
            f'<h1 data-edit-path="{html.escape(edit["fields"]["title"])}">'
            f"{html.escape(data['title'])}</h1>"
            f'<p data-edit-path="{html.escape(edit["fields"]["summary"])}">'
            f"{html.escape(data['summary'])}</p>{blocks}"
        ).encode()
        send_html(self, 200, content)

    def log_message(self, format, *args):
        pass  # quiet: the test reports what went wrong


def block_html(block):
    if block["type"] == "paragraph":
        return block["value"]
    if block["type"] == "heading":
        return f"<h2>{html.escape(block['value']['text'])}</h2>"
    return f"<p>A {html.escape(block['type'])} block</p>"


@pytest.fixture
def frontend(live_server):
    with serving(PreviewFrontend) as server:
        server.cms_url = live_server.url
        yield server


def test_a_click_in_a_frontends_preview_lands_in_the_blocks_editor(
    browser_page, admin_url, article_index, django_user_model, settings, frontend
):
    origin = f"http://127.0.0.1:{frontend.server_port}"
    preview_settings(settings, f"{origin}/api/preview")
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = {
        **policy,
        "DIRECTIVES": {
            **policy["DIRECTIVES"],
            "frame-src": ["'self'", origin, origin.replace("127.0.0.1", "localhost")],
        },
    }
    article = an_article(article_index)
    page = browser_page
    open_editor_with_preview(page, admin_url, article, django_user_model)
    shown = page.frame_locator("#w-preview-iframe").frame_locator("iframe")

    # A click event on the paragraph, as a pointer gives it. (Playwright's pointer misses its
    # target by a line in a frame inside a frame inside the scaled preview panel; a person's
    # does not, and the page's own script only reads the click.)
    shown.get_by_text("Bring a list of your medicines.").dispatch_event("click")
    expect(rich_text_editor(page, "body-1-value")).to_be_focused()

    shown.get_by_text("What to bring.").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#id_summary")).to_be_focused()

    # A message from the editor's own window, not its preview frame, is not taken.
    page.locator("#id_title").focus()
    page.evaluate(
        "window.postMessage({type: 'wagtail-preview-edit', path: 'summary'}, location.origin)"
    )
    page.wait_for_timeout(500)
    expect(page.locator("#id_title")).to_be_focused()

    # The same frontend at an origin not configured (localhost, not 127.0.0.1): not taken.
    wrapper = page.frame_locator("#w-preview-iframe").locator("iframe")
    src = wrapper.get_attribute("src")
    page.frame_locator("#w-preview-iframe").locator("body").evaluate(
        "(body, src) => { body.querySelector('iframe').src = src; }",
        src.replace("http://127.0.0.1:", "http://localhost:"),
    )
    elsewhere = page.frame_locator("#w-preview-iframe").frame_locator("iframe")
    expect(elsewhere.locator("h1[tabindex='0']")).to_be_attached()
    elsewhere.get_by_text("Bring a list of your medicines.").dispatch_event("click")
    page.wait_for_timeout(500)
    expect(rich_text_editor(page, "body-1-value")).not_to_be_focused()
