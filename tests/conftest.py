import pytest
from django.core.cache import cache
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
