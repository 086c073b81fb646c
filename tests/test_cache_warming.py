"""The first visitor after a change does not pay for it: stale cached answers are rendered again.

Once a change commits, the responses that were cached and showed what changed are rendered
anew (headless/cache/tasks.py), so the next anonymous request for each is a hit with the new content.
Here the ``cache`` task backend runs in the test's process; with Redis, the worker does it
(tests/test_multi_server.py runs one).
"""

import itertools
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.cache import caches
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from home.models import ClinicSettings
from tests.factories import ArticlePageFactory, ClinicianFactory, ConditionFactory
from tests.test_cdn_purge import cdn  # noqa: F401  (a fixture: the fake CDN)

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=articles.ArticlePage&fields=title"


@pytest.fixture(autouse=True)
def _warming_on(settings):
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "WARM": True}


@pytest.fixture
def articles(article_index, site):
    ClinicSettings.for_site(site)
    migraine = ConditionFactory(name="Migraine", slug="migraine")
    made = {}
    for slug in ("a", "b", "c"):
        page = ArticlePageFactory(
            parent=article_index,
            title=f"Article {slug}",
            slug=slug,
            author=ClinicianFactory(name=f"Dr {slug.upper()}"),
        )
        page.conditions.set([migraine])
        page.save_revision().publish()
        made[slug] = page
    return made


def paths(page):
    return [f"/api/v2/pages/{page.pk}/", f"/api/v2/pages/find/?html_path=/articles/{page.slug}/"]


def cache_everything(client, articles):
    for page in articles.values():
        for path in paths(page):
            assert client.get(path).status_code == 200
            assert client.get(path)["X-Cache"] == "hit"
    assert client.get(LISTING).status_code == 200


def test_after_a_publish_its_detail_find_and_listing_are_hits_with_the_new_content(
    client, articles, django_capture_on_commit_callbacks
):
    cache_everything(client, articles)
    b = articles["b"]

    with django_capture_on_commit_callbacks(execute=True):
        b.title = "Article b, revised"
        b.save_revision().publish()

    for path in paths(b):
        response = client.get(path)
        assert response["X-Cache"] == "hit"
        assert response.json()["title"] == "Article b, revised"
    # a shows b among its related articles (both under Migraine): rendered again too.
    response = client.get(paths(articles["a"])[0])
    assert response["X-Cache"] == "hit"
    assert "Article b, revised" in [item["title"] for item in response.json()["related_articles"]]
    listing = client.get(LISTING)
    assert listing["X-Cache"] == "hit"
    assert "Article b, revised" in [item["title"] for item in listing.json()["items"]]


def test_after_an_unpublish_nothing_serves_the_withdrawn_article(
    client, articles, django_capture_on_commit_callbacks
):
    cache_everything(client, articles)
    c = articles["c"]

    with django_capture_on_commit_callbacks(execute=True):
        c.unpublish()

    for path in paths(c):
        assert client.get(path).status_code == 404
    listing = client.get(LISTING)
    assert listing["X-Cache"] == "hit"
    assert sorted(item["title"] for item in listing.json()["items"]) == ["Article a", "Article b"]


def test_answers_nobody_had_asked_for_are_not_rendered(
    client, articles, django_capture_on_commit_callbacks
):
    a = articles["a"]
    assert client.get(paths(a)[0]).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    # Only a's detail had been cached; its find-by-path is rendered on its first request.
    assert client.get(paths(a)[0])["X-Cache"] == "hit"
    assert client.get(paths(a)[1])["X-Cache"] == "miss"


def test_every_cached_page_of_a_listing_is_rendered_again(
    client, articles, django_capture_on_commit_callbacks
):
    second = LISTING + "&order=title&limit=2&offset=2"
    assert client.get(second).json()["items"][0]["title"] == "Article c"

    with django_capture_on_commit_callbacks(execute=True):
        articles["c"].title = "Article c, revised"
        articles["c"].save_revision().publish()

    response = client.get(second)
    assert response["X-Cache"] == "hit"
    assert response.json()["items"][0]["title"] == "Article c, revised"


def test_searches_are_not_rendered_again(client, articles, django_capture_on_commit_callbacks):
    search = "/api/v2/pages/?type=articles.ArticlePage&search=article"
    assert client.get(search).status_code == 200
    # Searches are asked for by few, each in its own words: rendered, never stored.
    assert client.get(search)["X-Cache"] == "miss"

    with django_capture_on_commit_callbacks(execute=True):
        articles["a"].save_revision().publish()

    assert client.get(search)["X-Cache"] == "miss"


def test_a_private_answer_is_never_rendered_into_the_cache(
    client, admin_client, articles, django_capture_on_commit_callbacks
):
    a = articles["a"]
    PageViewRestriction.objects.create(page=a, restriction_type=PageViewRestriction.LOGIN)
    response = admin_client.get(paths(a)[0])
    assert response.json()["title"] == "Article a"
    assert response["Cache-Control"] == "private, no-store"

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    assert client.get(paths(a)[0]).status_code == 404


def test_find_by_path_of_an_article_stays_a_hit_when_another_is_published(client, articles):
    a = articles["a"]
    find_a = paths(a)[1]
    assert client.get(find_a).status_code == 200
    assert client.get(find_a)["X-Cache"] == "hit"

    d = ArticlePageFactory(parent=a.get_parent(), title="Article d", slug="d")
    d.save_revision().publish()
    d.title = "Article d, revised"
    d.save_revision().publish()

    # d is under no condition and a does not show it: a's find-by-path is still the cached one.
    assert client.get(find_a)["X-Cache"] == "hit"
    assert client.get(paths(d)[1]).json()["title"] == "Article d, revised"


def test_find_by_path_of_a_redirect_is_fresh_when_a_page_takes_its_path(client, articles):
    a = articles["a"]
    Redirect.objects.create(old_path="/articles/e", redirect_page=a, site=a.get_site())
    find_e = "/api/v2/pages/find/?html_path=/articles/e/"
    assert "redirect" in client.get(find_e).json()
    assert client.get(find_e)["X-Cache"] == "hit"

    ArticlePageFactory(parent=a.get_parent(), title="Article e", slug="e").save_revision().publish()

    assert client.get(find_e).json()["title"] == "Article e"


def test_plain_answers_are_rendered_first_when_there_are_too_many(
    client, articles, settings, django_capture_on_commit_callbacks
):
    a = articles["a"]
    for fields in ("-body", "-structured_data", "-body,-structured_data"):
        assert client.get(f"/api/v2/pages/{a.pk}/?fields={fields}").status_code == 200
    assert client.get(paths(a)[0]).status_code == 200
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "WARM_LIMIT": 1}

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    assert client.get(paths(a)[0])["X-Cache"] == "hit"
    assert client.get(f"/api/v2/pages/{a.pk}/?fields=-body")["X-Cache"] == "miss"


def test_a_changed_pages_own_answers_are_rendered_before_those_that_show_it(
    client, articles, settings, django_capture_on_commit_callbacks
):
    a, b, c = articles["a"], articles["b"], articles["c"]
    # a and c show b among their related articles; their details depend on b too.
    for page in (a, c, b):
        assert client.get(paths(page)[0]).status_code == 200
    assert client.get(paths(b)[1]).status_code == 200
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "WARM_LIMIT": 2}

    with django_capture_on_commit_callbacks(execute=True):
        b.title = "Article b, revised"
        b.save_revision().publish()

    assert [client.get(path)["X-Cache"] for path in paths(b)] == ["hit", "hit"]
    assert client.get(paths(a)[0])["X-Cache"] == "miss"


# Detail fields a client may drop (``fields=-x``): each subset is a distinct, valid, stored answer.
DROPPABLE = (
    "summary",
    "hero_image",
    "author",
    "reviewer",
    "last_reviewed",
    "conditions",
    "treatments",
    "reading_time",
    "readability",
    "social_image",
    "related_articles",
)


def junk_urls(page, count):
    """``count`` distinct valid answers about ``page`` that one client asks for once each:
    its detail without some fields, and listings that show it in many limits and orders."""
    cheap = "-body,-structured_data"
    details = (
        f"/api/v2/pages/{page.pk}/?fields={cheap}" + "".join(f",-{f}" for f in subset)
        for size in range(1, len(DROPPABLE) + 1)
        for subset in itertools.combinations(DROPPABLE, size)
    )
    listings = (
        f"/api/v2/pages/?type=articles.ArticlePage&fields={fields}&order={order}&limit={limit}"
        for limit in range(3, 101)
        for order in ("title", "-title", "id", "-id")
        for fields in ("slug", "summary", "slug,summary", "reading_time")
    )
    both = itertools.chain.from_iterable(zip(details, listings, strict=False))
    return list(itertools.islice(both, count))


@pytest.fixture(params=["local", "redis"])
def warm_index(request, settings):
    """The warm index in this process's memory, or in Redis beside the entries, made small:
    ``WARM_INDEX_PER_TAG`` URLs under a tag and ``WARM_LIMIT`` re-rendered after a
    change (production's 1,000 and 200, divided by 20 so the flood takes seconds)."""
    settings.HEADLESS_CACHE = {
        **settings.HEADLESS_CACHE,
        "WARM_INDEX_PER_TAG": 50,
        "WARM_LIMIT": 10,
    }
    if request.param == "local":
        yield
        return
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/12",
            "KEY_PREFIX": "test-warm-index",
        },
    }
    shared = caches["default"]
    shared.delete_pattern("*")
    yield
    shared.delete_pattern("*")


def test_a_flood_of_junk_answers_does_not_crowd_out_the_ones_visitors_ask_for(
    client,
    articles,
    cdn,  # noqa: F811  (the fixture imported above)
    warm_index,
    django_capture_on_commit_callbacks,
):
    a = articles["a"]
    real = [*paths(a), LISTING]
    for path in real:  # asked for by visitors: first rendered, then served from the cache
        assert client.get(path).status_code == 200
        for _ in range(3):
            assert client.get(path)["X-Cache"] == "hit"
    junk = junk_urls(a, 150)  # three times what the index lists under a tag
    assert len(set(junk)) == len(junk)
    for path in junk:  # one client, each answer once, each valid and stored
        assert client.get(path)["X-Cache"] == "miss", path

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    assert [client.get(path)["X-Cache"] for path in real] == ["hit", "hit", "hit"]
    assert client.get(paths(a)[0]).json()["title"] == "Article a, revised"
    assert "Article a, revised" in [item["title"] for item in client.get(LISTING).json()["items"]]
    # The CDN is told to drop the answers visitors hold, whatever else it is told.
    purged = {unordered(path) for host, path in cdn.purged_urls() if host == "testserver"}
    assert {unordered(path) for path in real} <= purged


def unordered(url):
    """A URL's path and its parameters in any order and spelling (``%2F`` or ``/``)."""
    parts = urlsplit(url)
    return parts.path, frozenset(parse_qsl(parts.query))
