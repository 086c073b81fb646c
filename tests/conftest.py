import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connections
from playwright.sync_api import sync_playwright

from headless import cache as api_cache
from tests import browser, npm, servers
from tests.factories import ArticleIndexPageFactory, ArticlePageFactory, default_site


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with empty caches: no API response, site lookup or rate-limit count
    leaks across tests."""
    for alias in ("default", "counters"):
        caches[alias].clear()
    api_cache.reset()
    yield
    for alias in ("default", "counters"):
        caches[alias].clear()
    api_cache.reset()


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys read from the shared cache (Redis in production: each read a round trip)."""
    backend = caches["default"]
    reads = []
    get, get_many = backend.get, backend.get_many
    monkeypatch.setattr(
        backend, "get", lambda key, *a, **kw: reads.append(key) or get(key, *a, **kw)
    )
    monkeypatch.setattr(
        backend, "get_many", lambda keys, *a, **kw: reads.extend(keys) or get_many(keys, *a, **kw)
    )
    return reads


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


@pytest.fixture
def admin_url(live_server, transactional_db, django_db_serialized_rollback, site):
    """The live server's admin, for the browser tests, for a site whose root has the articles
    index (tests/browser.py has the steps an editor takes there).

    The fixture ``site`` is the default site, so it answers for the live server's host and port.
    Serialized rollback brings back the root page and locale the migrations made, which a
    transactional test's flush would otherwise remove for the tests after it.
    """
    return f"{live_server.url}/admin/"


@pytest.fixture
def article_to_translate(article_index, django_user_model):
    """A published article with one heading, and "editor", of the Editors group, to translate it
    in the browser (the password is tests.browser.PASSWORD)."""
    article = ArticlePageFactory(
        parent=article_index,
        title="Sleep and pain",
        slug="sleep-and-pain",
        body=[("heading", {"text": "Why sleep matters", "level": "h2"})],
    )
    article.save_revision().publish()
    translator = django_user_model.objects.create_user("editor", password=browser.PASSWORD)
    translator.groups.add(Group.objects.get(name="Editors"))
    return article


@pytest.fixture
def browser_page(request, monkeypatch):
    if not browser.CHROMIUM.exists():
        message = f"{browser.CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # around it are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(browser.CHROMIUM), args=browser.CHROMIUM_ARGS
        )
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(15_000)
        failed_before = request.session.testsfailed
        yield page
        if request.session.testsfailed > failed_before:
            # What the browser showed when the test failed, kept for whoever reads the log.
            shot = Path(tempfile.gettempdir()) / f"{request.node.name}.png"
            page.screenshot(path=shot, full_page=True)
            shot.with_suffix(".html").write_text(page.content())
            print(f"The page at the failure: {shot} and {shot.with_suffix('.html')}")
        chromium.close()


@pytest.fixture(scope="session")
def _migrated_sqlite_file(tmp_path_factory):
    """A SQLite file migrated by `manage.py migrate`, as `make run` has it; made once."""
    path = tmp_path_factory.mktemp("sqlite-file") / "migrated.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.test",
        "DATABASE_URL": f"sqlite:///{path}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=servers.ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture
def sqlite_file_db(request, django_db_blocker, tmp_path):
    """A migrated SQLite file of the test's own, for tests of several processes sharing it.

    The suite's SQLite database lives in memory, where no other process can reach it and
    SQLite's file locking never happens. For the test, the default connection (in this thread)
    is one to a fresh copy of a migrated file: the schema and the rows the migrations made.
    The suite's own database is not touched, so no rollback or flush is involved. Yields the
    file's path. Skipped on PostgreSQL. Don't use ``db`` or ``django_user_model`` beside it.
    """
    memory = connections["default"]
    if memory.vendor != "sqlite":
        pytest.skip("about SQLite's file locking")
    path = tmp_path / "db.sqlite3"
    shutil.copy(request.getfixturevalue("_migrated_sqlite_file"), path)
    with django_db_blocker.unblock():
        connections["default"] = type(memory)({**memory.settings_dict, "NAME": str(path)})
        try:
            yield path
        finally:
            connections["default"].close()
            connections["default"] = memory


@pytest.fixture(scope="session")
def typescript_tools():
    """tests/typescript's pinned Node packages (tsc, openapi-typescript, schema-dts), installed
    once for the session: their ``node_modules/.bin``."""
    return npm.install(servers.ROOT / "tests" / "typescript", "the TypeScript check")


@pytest.fixture(scope="session")
def apilint_tools():
    """tests/apilint's pinned Node packages (Redocly CLI, Spectral), installed once for the
    session: their ``node_modules/.bin``."""
    return npm.install(servers.ROOT / "tests" / "apilint", "the OpenAPI lint")
