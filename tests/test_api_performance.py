"""Query budgets: the cost of a response does not grow with blocks, images or links."""

import pytest
import wagtail_factories
from django.db import connection
from django.test.utils import CaptureQueriesContext

from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory, ConditionFactory

pytestmark = pytest.mark.django_db

# A detail: the page, its chosen pages and images (Wagtail's bulk loads), related articles,
# their conditions, treatments, images and renditions, translations, and (in tests, which poll
# on every request) the versions of what changed; the clinic settings and view restrictions
# are read once per process while nothing changes. A listing: the cards, their conditions,
# and what a detail shares. A column read after the page (a deferred one) is a query more and
# fails these.
DETAIL_QUERY_BUDGET = 9
LISTING_QUERY_BUDGET = 7
CACHE_READ_BUDGET = 5

# Sorting pages costs Django a hash of every column it selects, while compiling; the API sorts
# what it shows in order (a listing, related articles) and nothing else.
PATH_ORDER = 'ORDER BY "wagtailcore_page"."path"'


def sorted_by_path(queries):
    return [query["sql"] for query in queries.captured_queries if PATH_ORDER in query["sql"]]


@pytest.fixture
def images():
    return [wagtail_factories.ImageFactory(title=f"Image {n}") for n in range(20)]


@pytest.fixture
def targets(article_index):
    pages = []
    for n in range(20):
        page = ArticlePageFactory(parent=article_index, title=f"Target {n}", slug=f"target-{n}")
        pages.append(page)
    return pages


def big_body(images, targets):
    """200 blocks: 20 images, 20 rich-text page links, 20 page choosers, and prose around them."""
    body = []
    for n in range(20):
        body += [
            ("heading", {"text": f"Section {n}", "level": "h2"}),
            ("paragraph", f'<p>Read <a linktype="page" id="{targets[n].pk}">this</a> next.</p>'),
            (
                "image",
                {
                    "image": images[n],
                    "alt_text": "x",
                    "decorative": False,
                    "caption": "",
                    "credit": "",
                },
            ),
            ("call_to_action", {"label": "More", "page": targets[-n - 1], "url": ""}),
            ("callout", {"variant": "tip", "text": "<p><b>Tip</b></p>"}),
            (
                "accordion",
                {
                    "title": "",
                    "open_first": False,
                    "items": [
                        {"title": "Q", "body": "<p>A</p>"},
                        {"title": "Q2", "body": "<p>B</p>"},
                    ],
                },
            ),
            ("paragraph", "<p>More words here.</p>"),
            ("paragraph", "<ul><li>one</li><li>two</li></ul>"),
            ("heading", {"text": f"Sub {n}", "level": "h3"}),
            ("disclaimer", {"text": "Own words."}),
        ]
    assert len(body) == 200
    return body


def test_article_detail_query_budget(
    settings,
    client,
    site,
    article_index,
    images,
    targets,
    django_assert_max_num_queries,
    cache_reads,
):
    ClinicSettings.for_site(site)  # a real site has its settings row already
    condition = ConditionFactory(name="Migraine", slug="migraine")
    article = ArticlePageFactory(
        parent=article_index,
        hero_image=images[0],
        hero_image_alt="x",
        reviewer=ClinicianFactory(photo=images[1]),
        body=big_body(images, targets),
    )
    article.conditions.set([condition])
    article.save()
    for target in targets[:5]:
        target.conditions.set([condition])
        target.save()
    url = f"/api/v2/pages/{article.pk}/"
    assert client.get(url).status_code == 200  # renditions are made once, on first use
    # The budgets are the render's, not the cache's
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "ENABLED": False}
    cache_reads.clear()

    with django_assert_max_num_queries(DETAIL_QUERY_BUDGET) as queries:
        response = client.get(url)
    assert len(cache_reads) <= CACHE_READ_BUDGET, sorted(set(cache_reads))
    assert sorted_by_path(queries) == []
    data = response.json()
    assert "X-Cache" not in response  # rendered, not served from the cache
    assert len(data["body"]) == 200
    assert sum(1 for b in data["body"] if b["type"] == "image") == 20
    assert all(b["value"]["page"]["path"] for b in data["body"] if b["type"] == "call_to_action")
    assert len(data["related_articles"]) == 3


LISTING = "/api/v2/pages/?type=articles.ArticlePage&limit=50"


@pytest.fixture
def fifty_articles(settings, client, article_index, images):
    conditions = [ConditionFactory(name=f"C{n}", slug=f"c{n}") for n in range(3)]
    for n in range(50):
        page = ArticlePageFactory(
            parent=article_index,
            hero_image=images[n % 20],
            hero_image_alt="x",
            author=ClinicianFactory(photo=images[(n + 1) % 20]),
            body=[("paragraph", "<p>Short.</p>")],
        )
        page.conditions.set(conditions[: n % 3 + 1])
        page.save()
    assert client.get(LISTING).status_code == 200  # renditions are made once, on first use
    # The budgets are the render's, not the cache's
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "ENABLED": False}


def test_article_listing_query_budget(client, fifty_articles, django_assert_max_num_queries):
    with django_assert_max_num_queries(LISTING_QUERY_BUDGET) as queries:
        response = client.get(LISTING)
    assert sorted_by_path(queries) == []
    items = response.json()["items"]
    assert len(items) == 50
    assert all(item["conditions"] for item in items)
    assert all(item["hero_image"]["renditions"]["card"]["webp"][0]["url"] for item in items)
    assert all(item["author"]["photo"] for item in items)


def test_a_listing_counts_its_pages_without_reading_every_page(client, fifty_articles):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LISTING)
    assert response.json()["meta"]["total_count"] == 50
    (count,) = [query["sql"] for query in queries.captured_queries if "COUNT(*)" in query["sql"]]
    if connection.vendor == "sqlite":  # PostgreSQL reads a LIKE prefix from the path index
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + count)
            plan = [row[-1] for row in cursor.fetchall()]
        assert any("wagtailcore_page USING" in step and "path>?" in step for step in plan), plan


def test_a_listing_reads_the_shared_cache_a_few_times_not_once_per_card(
    client, fifty_articles, cache_reads
):
    response = client.get(LISTING)
    assert len(response.json()["items"]) == 50
    assert len(cache_reads) <= CACHE_READ_BUDGET, sorted(set(cache_reads))
