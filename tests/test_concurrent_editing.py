"""An editor saves and previews while another process writes the same SQLite file.

`make run` serves the admin on the embedded SQLite database from several threads (autosave, the
preview panel) beside the webhook worker, which takes a write lock every second. Each test here
makes the collision that used to answer 500 "database is locked" happen on purpose: another
process asks for the write lock at the moment the editor's request, inside a transaction that
has already read, is about to write. Skipped on PostgreSQL.
"""

import html
import re
import subprocess
import sys
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, default_site

# Another writer, as the webhook worker or a second admin thread would be: on each line read it
# asks for the write lock without waiting and says whether it got it ("locked", then holds it a
# moment as a slow writer would) or the editor's request already had it ("busy", then waits its
# turn). Either way it then writes and commits.
OTHER_WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)
for _ in sys.stdin:
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        print("busy", flush=True)
        db.execute("PRAGMA busy_timeout = 20000")
        db.execute("BEGIN IMMEDIATE")
    else:
        print("locked", flush=True)
        time.sleep(0.5)
    db.execute("UPDATE django_session SET expire_date = expire_date")
    db.execute("COMMIT")
print("committed", flush=True)
"""
WRITES = {"INSERT", "UPDATE", "DELETE"}


@contextmanager
def another_writer_between_read_and_write(path):
    """Let another process ask for the write lock just before the first write of a transaction
    that has already read: the moment a second editor's request or the webhook worker's poll can
    come between them. Yields the other process's answers ("locked" or "busy")."""
    writer = subprocess.Popen(
        [sys.executable, "-c", OTHER_WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    answers = []
    transaction = {"has_read": False}

    def interleave(execute, sql, params, many, context):
        statement = sql.lstrip().split(None, 1)[0].upper()
        if statement == "BEGIN":
            transaction["has_read"] = False
        elif context["connection"].in_atomic_block:
            if statement == "SELECT":
                transaction["has_read"] = True
            elif statement in WRITES and transaction["has_read"] and not answers:
                writer.stdin.write("go\n")
                writer.stdin.flush()
                answers.append(writer.stdout.readline().strip())
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(interleave):
            yield answers
        writer.stdin.close()
        assert writer.stdout.read().strip() == "committed"
        assert writer.wait(timeout=30) == 0
    finally:
        writer.kill()
        writer.wait()


@pytest.fixture
def article(sqlite_file_db):
    home = default_site().root_page
    page = ArticlePageFactory(parent=ArticleIndexPageFactory(parent=home), title="Published")
    page.save_revision().publish()
    return page


@pytest.fixture
def editor(client, sqlite_file_db):
    user = get_user_model().objects.create_superuser("editor", "e@example.com", "pw")
    client.force_login(user)
    client.raise_request_exception = False  # a database error is the 500 the editor sees
    return client


def edit_form(page, title):
    return nested_form_data(
        {
            "title": title,
            "slug": page.slug,
            "summary": "Draft summary",
            "hero_image_alt": "",
            "body": streamfield([("heading", {"text": "A heading", "level": "h2"})]),
            "comments": inline_formset([]),
        }
    )


def preview_frontend(settings, url):
    """FRONTEND_PREVIEW_URL, or "" for none: the built-in preview, as with `make run`."""
    settings.WAGTAIL_HEADLESS_PREVIEW = {
        **settings.WAGTAIL_HEADLESS_PREVIEW,
        "CLIENT_URLS": {"default": url},
    }


def show_preview(editor, article, sqlite_file_db):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=(article.pk,))
    posted = editor.post(url, edit_form(article, "Draft title"))
    assert posted.status_code == 200 and posted.json()["is_valid"]

    # The preview panel's request stores the draft as a PagePreview (read, then write).
    with another_writer_between_read_and_write(sqlite_file_db) as answers:
        shown = editor.get(url)
    assert answers, "the preview never wrote after reading in a transaction"
    assert shown.status_code == 200, shown.content.decode()[:2000]
    return shown


def test_the_built_in_preview_waits_for_another_writer(editor, article, sqlite_file_db, settings):
    preview_frontend(settings, "")
    shown = show_preview(editor, article, sqlite_file_db)
    assert re.search(r"<h1[^>]*>\s*Draft title\s*</h1>", shown.content.decode())


def test_the_frontend_preview_waits_for_another_writer(editor, article, sqlite_file_db, settings):
    preview_frontend(settings, "http://localhost:3000/api/preview")
    shown = show_preview(editor, article, sqlite_file_db)
    iframe = re.search(r'<iframe src="([^"]+)"', shown.content.decode()).group(1)
    query = parse_qs(urlparse(html.unescape(iframe)).query)
    draft = editor.get(
        "/api/v2/page_preview/", {"content_type": query["content_type"], "token": query["token"]}
    )
    assert draft.status_code == 200
    assert draft.json()["title"] == "Draft title"


def test_autosave_waits_for_another_writer(editor, article, sqlite_file_db):
    url = reverse("wagtailadmin_pages:edit", args=(article.pk,))
    # Autosave posts the form and expects JSON; the revision is written after the page is read.
    with another_writer_between_read_and_write(sqlite_file_db) as answers:
        saved = editor.post(
            url, edit_form(article, "Autosaved title"), headers={"Accept": "application/json"}
        )
    assert answers, "autosave never wrote after reading in a transaction"
    assert saved.status_code == 200, saved.content.decode()[:2000]
    assert saved.json()["success"]
    article.refresh_from_db()
    assert article.get_latest_revision_as_object().title == "Autosaved title"
