"""Two app servers on one PostgreSQL and one Redis: what one publishes, the other serves within
a second.

Both are gunicorn with the production settings, on the test database (committed, so the
servers see it) and a Redis database of their own. An editor publishes through server A's
admin; server B, whose cache holds the old answers, must serve the new title within a second.
"""

import re
import time
from urllib.parse import urlencode

import pytest
import redis
from django.db import connection
from django.test import Client
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from home.models import ClinicSettings
from tests import servers
from tests.factories import ArticlePageFactory
from tests.totp import verified_login

pytestmark = pytest.mark.multiserver

REDIS_URL = servers.redis_url(14)
# Behind the load balancer both servers see the public host name, as these requests say.
HOST = {"Host": "localhost"}


@pytest.fixture
def shared_services(transactional_db, django_db_serialized_rollback):
    """Skip unless the tests run on PostgreSQL and Redis answers, as in CI's PostgreSQL run."""
    if connection.vendor != "postgresql":
        pytest.skip("needs the test database on PostgreSQL: set DATABASE_URL=postgres://...")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {REDIS_URL}: {exc}")
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@"
        f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    yield database_url
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def two_servers(shared_services, settings, tmp_path):
    env = servers.production_env(
        DATABASE_URL=shared_services,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="multiserver",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        # The session the test signs the editor in with is signed with the test's key.
        SECRET_KEY=settings.SECRET_KEY,
        STATIC_ROOT=str(tmp_path / "static"),
    )
    # Production serves hashed static files from a manifest, as a deploy's collectstatic writes.
    servers.collectstatic(env)
    with (
        servers.gunicorn(env, tmp_path / "a.log", workers=2) as a,
        servers.gunicorn(env, tmp_path / "b.log", workers=2) as b,
    ):
        yield a, b


def publish_through_admin(port, page, user):
    """Publish the page's latest draft with the admin's bulk action, as an editor would."""
    client = Client()
    # Production settings ask staff for a second factor: the session has given it.
    verified_login(client, user)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    url = "/admin/bulk/wagtailcore/page/publish/?" + urlencode({"next": "/admin/", "id": page.pk})

    form = servers.request(port, url, headers={**HOST, "Cookie": cookie_header(cookies)})
    assert form.status == 200, form.text
    cookies["csrftoken"] = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"]).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)

    response = servers.request(
        port,
        url,
        method="POST",
        body=urlencode({"csrfmiddlewaretoken": token}),
        headers={
            **HOST,
            "Cookie": cookie_header(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://localhost",
        },
    )
    assert response.status == 302, response.text


def cookie_header(cookies):
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def titles(port, urls):
    """The title each URL answers with, and whether each came from the cache."""
    answers = [servers.request(port, url, headers=HOST) for url in urls]
    assert [answer.status for answer in answers] == [200] * len(urls)
    detail, listing, found = (answer.json() for answer in answers)
    return (
        [detail["title"], [item["title"] for item in listing["items"]], found["title"]],
        [answer.headers.get("X-Cache") for answer in answers],
    )


def test_a_page_published_through_one_server_is_served_fresh_by_the_other(
    two_servers, article_index, django_user_model
):
    a, b = two_servers
    article = ArticlePageFactory(parent=article_index, title="Pacing for chronic pain")
    # A site's settings are created on first use, which counts as a content change; a real
    # site has them long before.
    ClinicSettings.for_site(article_index.get_site())
    editor = django_user_model.objects.create_superuser("editor", "editor@example.com", "x")
    urls = [
        f"/api/v2/pages/{article.pk}/",
        "/api/v2/pages/?type=articles.ArticlePage",
        f"/api/v2/pages/find/?html_path=/articles/{article.slug}/",
    ]
    old = ["Pacing for chronic pain", ["Pacing for chronic pain"], "Pacing for chronic pain"]
    assert titles(a, urls) == (old, ["miss", "miss", "miss"])
    assert titles(b, urls) == (old, ["hit", "hit", "hit"])  # one cache for both

    article.title = "Pacing and graded activity"
    article.save_revision()  # a draft: nothing published yet
    assert titles(b, urls)[0] == old

    publish_through_admin(a, article, editor)
    # Every server reads what changed from the database four times a second (API_CACHE_POLL_SECONDS).
    time.sleep(1.2)

    new = ["Pacing and graded activity", ["Pacing and graded activity"]]
    new.append("Pacing and graded activity")
    assert titles(b, urls) == (new, ["miss", "miss", "miss"])
    assert titles(a, urls) == (new, ["hit", "hit", "hit"])


def test_after_a_publish_the_cache_worker_renders_the_stale_answers_before_anyone_asks(
    two_servers, article_index, django_user_model, shared_services, settings, tmp_path
):
    a, b = two_servers
    env = servers.production_env(
        DATABASE_URL=shared_services,
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="multiserver",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        SECRET_KEY=settings.SECRET_KEY,
        STATIC_ROOT=str(tmp_path / "static"),
    )
    article = ArticlePageFactory(parent=article_index, title="Sleep and pain")
    ClinicSettings.for_site(article_index.get_site())
    editor = django_user_model.objects.create_superuser("editor", "editor@example.com", "x")
    urls = [
        f"/api/v2/pages/{article.pk}/",
        "/api/v2/pages/?type=articles.ArticlePage",
        f"/api/v2/pages/find/?html_path=/articles/{article.slug}/",
    ]
    old = ["Sleep and pain", ["Sleep and pain"], "Sleep and pain"]
    assert titles(a, urls) == (old, ["miss", "miss", "miss"])

    with servers.db_worker(env, tmp_path / "worker.log", backend="cache"):
        article.title = "Sleep, mood and pain"
        article.save_revision()
        publish_through_admin(a, article, editor)
        rendered = wait_for_rerender()

    assert rendered == 3
    # Nobody has asked since the publish: the first visitor of either server gets a hit.
    new = ["Sleep, mood and pain", ["Sleep, mood and pain"], "Sleep, mood and pain"]
    assert titles(b, urls) == (new, ["hit", "hit", "hit"])
    assert titles(a, urls) == (new, ["hit", "hit", "hit"])


def wait_for_rerender(timeout=30):
    """How many answers the cache worker rendered again, once its task has run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = DBTaskResult.objects.filter(
            task_path="headless.cache.tasks.after_change", status=TaskResultStatus.SUCCESSFUL
        ).first()
        if done is not None:
            return done.return_value
        time.sleep(0.1)
    raise AssertionError("the cache worker has not run the re-rendering task")
