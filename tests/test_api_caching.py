"""HTTP caching and the shared response cache: fast answers, never stale ones."""

import io

import pytest
import wagtail_factories
from django.core import checks
from django.core.management import call_command

from articles.models import ArticlePage
from headless import cache as api_cache
from headless.endpoints.base import CachedResponseMixin
from home.models import ClinicSettings
from tests.factories import (
    ArticleIndexPageFactory,
    ArticlePageFactory,
    ClinicianFactory,
    ConditionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(article_index):
    page = ArticlePageFactory(parent=article_index, title="Linked", slug="linked")
    page.save_revision().publish()
    return page


@pytest.fixture
def article(article_index, linked, site):

    ClinicSettings.for_site(site)  # a real site has its settings row already
    page = ArticlePageFactory(
        parent=article_index,
        title="Original title",
        slug="cached",
        body=[
            ("paragraph", f'<p><a linktype="page" id="{linked.pk}">see</a></p>'),
            ("call_to_action", {"label": "Go", "page": linked, "url": ""}),
        ],
    )
    page.save_revision().publish()
    return page


def get(client, page, **headers):
    return client.get(f"/api/v2/pages/{page.pk}/", **headers)


def test_get_has_etag_cache_control_and_answers_304(client, article):
    first = get(client, article)
    assert first.status_code == 200
    assert first["ETag"]
    assert "max-age=" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = get(client, article, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    listing = client.get("/api/v2/pages/")
    assert listing["ETag"] and "max-age=" in listing["Cache-Control"]
    assert client.get("/api/v2/pages/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_second_request_is_served_from_the_cache(
    client, article, settings, django_assert_num_queries
):
    # As deployed: a process reads which content changed every so often, not per request.
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "POLL_SECONDS": 1}
    assert get(client, article)["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        response = get(client, article)
    assert response["X-Cache"] == "hit"
    assert response.json()["title"] == "Original title"


def test_publish_is_seen_at_once(client, article):
    assert get(client, article).json()["title"] == "Original title"
    article.title = "New title"
    article.save_revision().publish()
    assert get(client, article).json()["title"] == "New title"
    listing = client.get("/api/v2/pages/", {"type": "articles.ArticlePage"}).json()
    assert "New title" in [item["title"] for item in listing["items"]]


def test_unpublish_and_delete_are_seen_at_once(client, article, linked):
    assert get(client, article).status_code == 200
    article.unpublish()
    assert get(client, article).status_code == 404
    assert get(client, linked).status_code == 200
    linked.delete()
    assert get(client, linked).status_code == 404


def test_linked_page_title_and_path_changes_reach_pages_that_embed_it(client, article, linked):
    block = get(client, article).json()["body"][1]["value"]["page"]
    assert block["title"] == "Linked"
    linked.title = "Renamed"
    linked.slug = "renamed"
    linked.save_revision().publish()
    body = get(client, article).json()["body"]
    assert body[1]["value"]["page"] == {
        "id": linked.pk,
        "title": "Renamed",
        "type": "articles.ArticlePage",
        "path": "/articles/renamed/",
    }
    assert 'href="/articles/renamed/"' in body[0]["value"]


def test_move_is_seen_at_once(client, article, linked, home):

    assert get(client, article).json()["meta"]["path"] == "/articles/cached/"
    other_index = ArticleIndexPageFactory(parent=home, title="Guides", slug="guides")
    article.move(other_index, pos="last-child")
    assert get(client, article).json()["meta"]["path"] == "/guides/cached/"


def test_snippet_and_image_changes_are_seen_at_once(client, article):
    author = ClinicianFactory(name="Dr Before")
    article.author = author
    article.save_revision().publish()
    assert get(client, article).json()["author"]["name"] == "Dr Before"
    author.name = "Dr After"
    author.save()
    assert get(client, article).json()["author"]["name"] == "Dr After"

    image = wagtail_factories.ImageFactory(title="Before")
    article.hero_image = image
    article.hero_image_alt = "x"
    article.save_revision().publish()
    assert get(client, article).json()["hero_image"]["title"] == "Before"
    image.title = "After"
    image.save()
    assert get(client, article).json()["hero_image"]["title"] == "After"

    condition = ConditionFactory(name="Migraine", slug="migraine")
    article.conditions.set([condition])
    article.save_revision().publish()
    condition.name = "Chronic migraine"
    condition.save()
    assert get(client, article).json()["conditions"][0]["name"] == "Chronic migraine"


def test_cache_failure_falls_back_to_the_database(client, article, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    for _ in range(3):
        response = get(client, article)
        assert response.status_code == 200
        assert response.json()["title"] == "Original title"


def test_a_change_behind_wagtails_back_is_dropped_by_clear_api_cache(client, article):
    assert get(client, article).json()["title"] == "Original title"
    assert get(client, article)["X-Cache"] == "hit"
    # Changed in the database directly, where no signal tells the cache; the operator says so.
    ArticlePage.objects.filter(pk=article.pk).update(title="Changed meanwhile")
    call_command("clear_api_cache", stdout=io.StringIO())
    response = get(client, article)
    assert response["X-Cache"] == "miss"
    assert response.json()["title"] == "Changed meanwhile"


def test_an_anonymous_hit_is_answered_before_the_view_with_the_same_headers(
    client, article, monkeypatch
):
    url = f"/api/v2/pages/{article.pk}/"
    origin = {"HTTP_ORIGIN": "https://frontend.test"}
    miss = client.get(url, **origin)
    view_hit = client.get(url, **origin)
    assert view_hit["X-Cache"] == "hit"

    def no_view(*args, **kwargs):
        raise AssertionError("the view was asked for a cached answer")

    monkeypatch.setattr(CachedResponseMixin, "dispatch", no_view)
    hit = client.get(url, **origin)
    assert hit["X-Cache"] == "hit"
    assert hit.content == miss.content
    assert {name: hit[name] for name in hit.headers} == {
        name: view_hit[name] for name in view_hit.headers
    }
    assert hit["Access-Control-Allow-Origin"] == "https://frontend.test"
    assert client.get(url, HTTP_IF_NONE_MATCH=hit["ETag"]).status_code == 304


def test_a_request_with_a_session_goes_to_the_view(client, admin_client, article, monkeypatch):
    url = f"/api/v2/pages/{article.pk}/"
    client.get(url)
    asked = []
    dispatch = CachedResponseMixin.dispatch

    def counting(self, request, *args, **kwargs):
        asked.append(request.path)
        return dispatch(self, request, *args, **kwargs)

    monkeypatch.setattr(CachedResponseMixin, "dispatch", counting)
    assert admin_client.get(url)["X-Cache"] == "hit"  # nothing restricted: the shared answer
    assert asked == [url]


def test_the_openapi_document_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/api/v2/openapi.json").status_code == 200


def test_an_answer_another_server_cached_is_copied_here_once(client, article, cache_reads):
    # Servers share Redis and each keeps copies of the entries it serves: a hit on an answer
    # another server rendered reads the shared cache once, then this process's copy.
    url = f"/api/v2/pages/{article.pk}/"
    rendered = client.get(url)
    assert rendered["X-Cache"] == "miss"
    api_cache.reset()  # this process is now a server that has served nothing yet
    cache_reads.clear()
    hits = [client.get(url) for _ in range(3)]
    assert [hit["X-Cache"] for hit in hits] == ["hit"] * 3
    assert all(hit.content == rendered.content for hit in hits)
    responses = [key for key in cache_reads if key.startswith("api:response:")]
    assert len(responses) == 1, cache_reads


@pytest.mark.parametrize("path", ["detail", "listing", "find"])
def test_a_miss_reads_the_shared_cache_once(client, article, cache_reads, path):
    # The early answer (headless.middleware) records its miss on the request; the view renders
    # without looking the same key up again. A round trip to Redis each.
    url = {
        "detail": f"/api/v2/pages/{article.pk}/",
        "listing": "/api/v2/pages/?type=articles.ArticlePage",
        "find": f"/api/v2/pages/find/?html_path={article.url}",
    }[path]
    missed = client.get(url)
    assert missed["X-Cache"] == "miss"
    assert len([key for key in cache_reads if key.startswith("api:response:")]) == 1, cache_reads

    # A stale entry (another server's, from before a change) is read once too.
    article.save_revision().publish()
    api_cache.reset()
    cache_reads.clear()
    assert client.get(url)["X-Cache"] == "miss"
    assert len([key for key in cache_reads if key.startswith("api:response:")]) == 1, cache_reads


def cache_problems():
    return {
        problem.id: problem
        for problem in checks.run_checks(tags=[checks.Tags.caches])
        if problem.id.startswith("headless.")
    }


def test_the_project_cache_settings_pass_the_system_checks():
    assert cache_problems() == {}


def test_a_misspelt_cache_setting_is_a_warning_naming_the_setting_meant(settings):
    # Without the check, a typo in HEADLESS_CACHE silently leaves the default in place.
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "POLL_SECOND": 1}
    warning = cache_problems()["headless.W002"]
    assert warning.level == checks.WARNING
    assert "'POLL_SECOND'" in warning.msg
    assert "'POLL_SECONDS'" in warning.hint


def test_a_purge_backend_without_its_backend_class_is_an_error(settings):
    # Otherwise the first publish's purge fails on it, long after the deploy.
    settings.HEADLESS_CACHE = {
        **settings.HEADLESS_CACHE,
        "PURGE_BACKENDS": {"cdn": {"ZONE_ID": "zone", "API_TOKEN": "token"}},
    }
    error = cache_problems()["headless.E001"]
    assert error.level == checks.ERROR
    assert "'cdn'" in error.msg and "BACKEND" in error.msg
