import os
import tempfile
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import sync_playwright
from wagtail.models import Page, Site

from headless import cache as api_cache
from tests.factories import ArticleIndexPageFactory, HomePageFactory


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
    root = Page.get_first_root_node()
    home = HomePageFactory(parent=root, slug="home-test")
    Site.objects.all().delete()
    site = Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    return site


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
