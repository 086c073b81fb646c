"""Cached answers are fresh after every change, whoever made it, and only the affected ones go.

A change drops exactly the responses built from what changed; it is recorded in the database
with the change itself, so neither a cache outage nor another process can lose it.
"""

import subprocess
import sys
import time

import pytest
import redis
from django.core.cache import caches

from articles.api import PagesEndpoint
from home.models import ClinicSettings
from tests import servers
from tests.factories import ArticlePageFactory, ClinicianFactory, ConditionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(article_index, site):
    ClinicSettings.for_site(site)  # a real site has its settings row already
    migraine = ConditionFactory(name="Migraine", slug="migraine")
    sleep = ConditionFactory(name="Sleep", slug="sleep")
    made = {}
    for slug, condition in (("a", migraine), ("b", migraine), ("c", sleep)):
        page = ArticlePageFactory(
            parent=article_index,
            title=f"Article {slug}",
            slug=slug,
            author=ClinicianFactory(name=f"Dr {slug.upper()}"),
        )
        page.conditions.set([condition])
        page.save_revision().publish()
        made[slug] = page
    return made


def detail(client, page):
    return client.get(f"/api/v2/pages/{page.pk}/")


def warm(client, pages):
    for page in pages:
        assert detail(client, page).status_code == 200
        assert detail(client, page)["X-Cache"] == "hit"


def test_an_answer_rendered_while_its_article_was_published_is_kept_by_no_cache(
    client, articles, monkeypatch, django_capture_on_commit_callbacks
):
    """A visitor's request reads the article, and a reviewer's publish commits before its answer
    is sent: the answer shows the old title. The CDN's purge for that publish comes
    POLL_SECONDS after the commit, and a render on a busy server takes longer (`make load` saw
    one served 3.4 s after a commit it had started 4.8 s before), so the purge can have passed:
    no CDN may keep that answer, nor the response cache."""
    a = articles["a"]
    render = PagesEndpoint.detail_view

    def published_meanwhile(self, request, pk):
        response = render(self, request, pk)
        with django_capture_on_commit_callbacks(execute=True):
            a.title = "Article a, revised"
            a.save_revision().publish()
        return response

    monkeypatch.setattr(PagesEndpoint, "detail_view", published_meanwhile)
    answer = detail(client, a)
    monkeypatch.undo()

    assert answer.json()["title"] == "Article a"
    assert answer["Cache-Control"] == "no-cache, no-store"
    assert detail(client, a).json()["title"] == "Article a, revised"
    assert detail(client, a)["X-Cache"] == "hit"


def test_publishing_one_article_leaves_unrelated_cached_answers_hits(client, articles):
    a, b, c = articles["a"], articles["b"], articles["c"]
    warm(client, [a, b, c])
    listing = "/api/v2/pages/?type=articles.ArticlePage"
    assert client.get(listing).status_code == 200

    c.title = "Article c, revised"
    c.save_revision().publish()

    assert detail(client, c).json()["title"] == "Article c, revised"
    assert "Article c, revised" in client.get(listing).content.decode()
    # a and b share no condition with c and do not show it: still served from the cache.
    assert detail(client, a)["X-Cache"] == "hit"
    assert detail(client, b)["X-Cache"] == "hit"


def test_an_article_shown_as_related_is_fresh_where_it_is_shown(client, articles):
    a, b, c = articles["a"], articles["b"], articles["c"]
    warm(client, [a, b, c])
    assert [item["title"] for item in detail(client, a).json()["related_articles"]] == ["Article b"]

    b.title = "Article b, revised"
    b.save_revision().publish()

    related = detail(client, a).json()["related_articles"]
    assert [item["title"] for item in related] == ["Article b, revised"]
    assert detail(client, c)["X-Cache"] == "hit"


def test_a_new_article_under_a_condition_appears_in_its_neighbours_related_articles(
    client, articles, article_index
):
    a, c = articles["a"], articles["c"]
    warm(client, [a, c])
    d = ArticlePageFactory(parent=article_index, title="Article d", slug="d")
    d.conditions.set(a.conditions.all())
    d.save_revision().publish()

    titles = [item["title"] for item in detail(client, a).json()["related_articles"]]
    assert "Article d" in titles
    assert detail(client, c)["X-Cache"] == "hit"


def test_a_snippet_change_drops_only_the_pages_that_show_it(client, articles):
    a, b = articles["a"], articles["b"]
    warm(client, [a, b, articles["c"]])

    author = a.author
    author.name = "Dr A. Renamed"
    author.save()

    assert detail(client, a).json()["author"]["name"] == "Dr A. Renamed"
    # b shows a as a related article: its card names the author too.
    assert detail(client, b)["X-Cache"] == "miss"
    assert detail(client, articles["c"])["X-Cache"] == "hit"


def test_cacheable_answers_name_what_they_depend_on_for_cdns(client, articles):
    a = articles["a"]
    response = detail(client, a)
    tags = response["Cache-Tag"].split(",")
    assert f"page-{a.pk}" in tags
    assert f"page-{articles['b'].pk}" in tags  # shown as related
    assert f"snippet-clinician-{a.author.pk}" in tags
    assert "settings" in tags
    assert response["Surrogate-Key"].split(" ") == sorted(tags)
    listing = client.get("/api/v2/pages/?type=articles.ArticlePage")
    assert "pages" in listing["Cache-Tag"].split(",")


REDIS_URL = servers.redis_url(13)


@pytest.fixture
def redis_cache(settings):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL}: {exc}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    yield caches["default"]
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_a_change_during_a_redis_outage_is_not_lost(client, articles, redis_cache):
    a = articles["a"]
    warm(client, [a])

    redis.Redis.from_url(REDIS_URL).execute_command("CLIENT", "PAUSE", "1500", "ALL")
    a.unpublish()
    time.sleep(1.6)  # Redis answers again, with every entry it held

    assert detail(client, a).status_code == 404
    listing = client.get("/api/v2/pages/?type=articles.ArticlePage").json()
    assert "Article a" not in [item["title"] for item in listing["items"]]


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """A `make run` database on its own SQLite file, with the demo content."""
    folder = tmp_path_factory.mktemp("second-process")
    env = servers.production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        STATIC_ROOT=str(folder / "static"),
    )
    for command in (["migrate", "--noinput", "-v0"], ["load_demo_content", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=servers.ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    servers.collectstatic(env)
    return env, folder


def manage(env, code):
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=servers.ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def test_a_change_made_by_another_process_is_served_by_every_worker_within_a_second(
    sqlite_site,
):
    """Two gunicorn workers, each with its own memory cache and no Redis, as `make serve`
    without REDIS_URL; cron's `publish_scheduled` or a shell changes the content."""
    env, folder = sqlite_site
    slug = "ketamine-infusion-therapy-chronic-pain"
    path = f"/api/v2/pages/find/?html_path=/articles/{slug}/"
    host = {"Host": "localhost"}
    with servers.gunicorn(env, folder / "gunicorn.log", workers=2) as port:
        for _ in range(8):  # both workers answer, and keep copies
            answer = servers.request(port, path, headers=host)
            assert answer.status == 200
        etag = answer.headers["ETag"]

        manage(
            env,
            f"from articles.models import ArticlePage; ArticlePage.objects.get(slug='{slug}')"
            ".unpublish()",
        )
        changed_at = time.monotonic()
        time.sleep(1.2)

        for _ in range(8):
            assert servers.request(port, path, headers=host).status == 404
            conditional = servers.request(port, path, headers={**host, "If-None-Match": etag})
            assert conditional.status == 404
        assert time.monotonic() - changed_at < 5


def test_an_article_moving_to_another_condition_leaves_one_list_and_joins_the_other(
    client, articles
):
    a, b, c = articles["a"], articles["b"], articles["c"]
    warm(client, [a, b, c])
    assert detail(client, c).json()["related_articles"] == []

    b.conditions.set(c.conditions.all())
    b.save_revision().publish()

    assert detail(client, a).json()["related_articles"] == []
    assert [item["title"] for item in detail(client, c).json()["related_articles"]] == ["Article b"]


def test_revising_an_article_keeps_its_conditions_neighbours_that_do_not_show_it(
    client, articles, article_index
):
    """Five articles under one condition: the oldest is not among the newest three the latest
    one shows as related, so revising it leaves that one's answer cached."""
    a = articles["a"]
    newer = []
    for slug in "def":
        page = ArticlePageFactory(parent=article_index, title=f"Article {slug}", slug=slug)
        page.conditions.set(a.conditions.all())
        page.save_revision().publish()
        newer.append(page)
    e = newer[1]
    warm(client, [e])
    assert "Article a" not in detail(client, e).content.decode()

    a.summary = "Revised summary."
    a.save_revision().publish()

    assert detail(client, e)["X-Cache"] == "hit"


def test_a_site_change_is_fresh_in_every_cached_answer(client, articles, site):
    """A site's hostname is in every page's URL: changing it leaves no cached answer with the
    old one (and the server's own memory of which site a host reads is dropped with it)."""
    a = articles["a"]
    warm(client, [a])
    assert detail(client, a).json()["meta"]["html_url"].startswith("http://localhost/")

    site.hostname = "clinic.example"
    site.save()

    answer = detail(client, a)
    assert answer["X-Cache"] != "hit"
    assert answer.json()["meta"]["html_url"].startswith("http://clinic.example/")
