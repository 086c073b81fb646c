import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connections
from playwright.sync_api import sync_playwright

from headless import cache as api_cache
from tests.factories import ArticleIndexPageFactory, default_site


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no API response or site lookup leaks across tests."""
    cache.clear()
    api_cache.reset()
    yield
    cache.clear()
    api_cache.reset()


@pytest.fixture
def site(db):
    """A site whose root is a HomePage with an articles index under it, as the demo has."""
    return default_site()


@pytest.fixture
def home(site):
    return site.root_page.specific


@pytest.fixture
def article_index(home):
    return ArticleIndexPageFactory(parent=home)


# Browser tests (marked browser): Debian's chromium, never a browser Playwright downloads.
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


@pytest.fixture
def browser_page(request, monkeypatch):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(15_000)
        failed_before = request.session.testsfailed
        yield page
        if request.session.testsfailed > failed_before:
            # What the browser showed when the test failed, kept for whoever reads the log.
            shot = Path(tempfile.gettempdir()) / f"{request.node.name}.png"
            page.screenshot(path=shot, full_page=True)
            shot.with_suffix(".html").write_text(page.content())
            print(f"The page at the failure: {shot} and {shot.with_suffix('.html')}")
        browser.close()


@pytest.fixture
def sqlite_file_db(transactional_db, django_db_serialized_rollback, django_db_blocker, tmp_path):
    """The test database copied to a SQLite file, for tests of several processes sharing it.

    The suite's SQLite database lives in memory, where no other process can reach it and
    SQLite's file locking never happens. For the test, the default connection (in this thread)
    is one to a file copy of it: the migrated schema and the rows the migrations made, nothing
    a test wrote. Yields the file's path. Skipped on PostgreSQL.

    Transactional, so that no test transaction holds the in-memory database while it is copied
    (the ``db`` fixture, or ``django_user_model``, would: don't use them beside this one).
    Serialized rollback, as for the live server, because a transactional test's flush would
    otherwise remove the migrations' rows for the tests after it.
    """
    memory = connections["default"]
    if memory.vendor != "sqlite":
        pytest.skip("about SQLite's file locking")
    path = tmp_path / "db.sqlite3"
    with django_db_blocker.unblock():
        memory.ensure_connection()
        with closing(sqlite3.connect(path)) as copy:
            memory.connection.backup(copy)
        connections["default"] = type(memory)({**memory.settings_dict, "NAME": str(path)})
        try:
            yield path
        finally:
            connections["default"].close()
            connections["default"] = memory
