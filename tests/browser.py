"""What the browser tests (marked ``browser``) do in the real Wagtail admin, shared by them.

The fixtures (``browser_page``, and ``admin_url``: the live server's admin, with serialized
rollback) are in tests/conftest.py; these are the steps an editor takes, and the tiny frontends
the preview tests serve.
"""

import re
import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import expect

from tests.totp import set_up_app

PASSWORD = "correct-horse-battery-staple"

# Debian's chromium, never a browser Playwright downloads (bench/live_checks_bench.py too).
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def log_in(page, admin_url, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.com", PASSWORD)
    sign_in(page, admin_url)


def sign_in(page, admin_url, username="editor"):
    page.goto(admin_url)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(rf"^{re.escape(admin_url)}(mfa/setup/.*)?$"))
    if "/mfa/setup/" in page.url:
        # `make run`'s settings ask a superuser to set up an authenticator app at first sign-in.
        set_up_app(page)
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


def watch_edits(page):
    """Let the test wait until Wagtail watches the form: it notes the initial state two seconds
    in, and edits before that go unseen by autosave and the preview panel."""
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', "
        "() => document.body.setAttribute('data-watching-edits', ''))"
    )


def open_editor(page, edit_url):
    """The page's editor at ``edit_url``, once Wagtail watches its form (see watch_edits)."""
    watch_edits(page)
    page.goto(edit_url)
    page.locator("body[data-watching-edits]").wait_for(state="attached")


def translate_into_spanish(page, admin_url, article, source, translation):
    """Submit ``article`` for translation into Spanish and, in wagtail-localize's translation
    editor, translate and save the segment ``source`` as ``translation``."""
    submit_for_spanish_translation(page, admin_url, article)
    translate_segment(page, source, translation)


def submit_for_spanish_translation(page, admin_url, article):
    """Submit ``article`` for translation into Spanish: wagtail-localize's translation editor
    opens."""
    page.goto(f"{admin_url}localize/submit/page/{article.pk}/")
    page.get_by_label("Español").check()
    page.get_by_role("button", name=re.compile("Submit")).click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/$"))


def translate_segment(page, source, translation):
    """In wagtail-localize's translation editor, translate and save the segment ``source``."""
    segment = page.locator("li", has_text=source).last
    segment.get_by_role("button", name="Translate").click()
    segment.locator("textarea").fill(translation)
    segment.get_by_role("button", name="Save").click()
    expect(segment).to_contain_text(translation)


def send_html(handler, status, content):
    """Answer a fake frontend's request (``handler``, a BaseHTTPRequestHandler) with HTML."""
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(content)))
    handler.end_headers()
    handler.wfile.write(content)


@contextmanager
def serving(handler_class):
    """A fake frontend: ``handler_class`` served on a free port of 127.0.0.1 from a thread;
    yields the server (its ``server_port``; the handler reads what the test sets on it)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
