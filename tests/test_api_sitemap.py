"""/api/v2/sitemap/: every page a visitor may open, on the frontend, for a sitemap.xml."""

import pytest
from wagtail.models import PageViewRestriction

from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db

FRONTEND = "https://www.clinic.example"


@pytest.fixture
def pages(settings, home, article_index):
    settings.FRONTEND_URL = FRONTEND
    home.save_revision().publish()
    article_index.save_revision().publish()
    live = ArticlePageFactory(parent=article_index, title="Live", slug="live")
    live.save_revision().publish()
    ArticlePageFactory(parent=article_index, title="Draft", slug="draft", live=False)
    private = ArticlePageFactory(parent=article_index, title="Private", slug="private")
    private.save_revision().publish()
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    return live


def test_sitemap_lists_live_public_pages_on_the_frontend(client, pages):
    response = client.get("/api/v2/sitemap/")
    assert response.status_code == 200
    data = response.json()
    assert data["meta"] == {"total_count": 3}
    assert [(item["path"], item["url"]) for item in data["items"]] == [
        ("/", f"{FRONTEND}/"),
        ("/articles/", f"{FRONTEND}/articles/"),
        ("/articles/live/", f"{FRONTEND}/articles/live/"),
    ]
    pages.refresh_from_db()
    assert data["items"][2]["last_modified"] == pages.last_published_at.isoformat()


def test_sitemap_pages_up_to_a_thousand(client, pages, django_assert_max_num_queries):
    page = client.get("/api/v2/sitemap/", {"limit": 1, "offset": 2}).json()
    assert page["meta"]["total_count"] == 3
    assert [item["path"] for item in page["items"]] == ["/articles/live/"]
    assert client.get("/api/v2/sitemap/", {"limit": 1000}).status_code == 200
    for params in [{"limit": 1001}, {"limit": "all"}, {"offset": -1}, {"colour": "red"}]:
        response = client.get("/api/v2/sitemap/", params)
        assert response.status_code == 400, params
        assert response.json()["message"]
    with django_assert_max_num_queries(12):
        client.get("/api/v2/sitemap/", {"offset": 0})


def test_sitemap_is_cached_until_a_page_is_published(client, pages, article_index):
    first = client.get("/api/v2/sitemap/")
    assert "pages" in first["Cache-Tag"].split(",")
    assert client.get("/api/v2/sitemap/")["X-Cache"] == "hit"
    new = ArticlePageFactory(parent=article_index, title="New", slug="new")
    new.save_revision().publish()
    paths = [item["path"] for item in client.get("/api/v2/sitemap/").json()["items"]]
    assert "/articles/new/" in paths
