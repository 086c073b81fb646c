"""Faults: the database or the cache goes away, and the service says so without falling over."""

import logging
import os
import shutil
import socket
import subprocess
import sys

import pytest
from django.db import OperationalError, connection
from django.test import Client

from cms.api import PagesEndpoint
from tests import servers
from tests.factories import ArticlePageFactory


@pytest.fixture
def article(article_index):
    return ArticlePageFactory(parent=article_index, title="Sleep and chronic pain")


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


@pytest.fixture
def redis_down(settings):
    """The cache is Redis, configured as in production, at an address where nothing answers."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    # The once-a-minute filter remembers earlier tests' outages; this one starts afresh.
    for log_filter in logging.getLogger("headless.cache").filters:
        log_filter._last.clear()


# Health endpoint


def test_healthz_reports_database_and_cache(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["cache"]["ok"] is True
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_a_probe_by_address_over_plain_http(client, db, settings):
    # As in production: one public host name, HTTPS only. A load balancer probes the
    # instance's own address over HTTP.
    settings.ALLOWED_HOSTS = ["cms.example.org"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert client.get("/api/v2/pages/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_healthz_logs_a_database_outage_once_however_often_it_is_probed(
    monkeypatch, client, db, caplog
):
    monkeypatch.setattr("cms.health._database_answers", raise_operational_error)
    for log_filter in logging.getLogger("cms.database").filters:
        log_filter._last.clear()  # earlier tests' outages are not this one

    with caplog.at_level(logging.WARNING):
        statuses = [client.get("/healthz").status_code for _ in range(5)]

    assert statuses == [503] * 5
    records = [r for r in caplog.records if r.name in ("cms.database", "django.request")]
    assert len(records) == 1, [record.getMessage() for record in records]
    assert records[0].name == "cms.database"
    assert "Connection refused" in records[0].getMessage()


# Redis down


def test_without_redis_the_api_serves_from_the_database_and_logs_once(
    redis_down, client, article, caplog
):
    urls = [
        f"/api/v2/pages/{article.pk}/",
        "/api/v2/pages/?type=articles.ArticlePage",
        f"/api/v2/pages/find/?html_path={article.url_path.removeprefix('/home-test')}",
    ]
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            detail, listing, found = (client.get(url) for url in urls)
            assert detail.status_code == 200
            assert detail.json()["title"] == "Sleep and chronic pain"
            assert [item["title"] for item in listing.json()["items"]] == ["Sleep and chronic pain"]
            assert found.status_code == 200, found.content
            assert found.json()["id"] == article.pk
        # A change during the outage is seen at once: what changed is read from the database.
        article.title = "Sleep, pain and rest"
        article.save_revision().publish()
        assert client.get(urls[0]).json()["title"] == "Sleep, pain and rest"
        listing = client.get(urls[1]).json()
        assert [item["title"] for item in listing["items"]] == ["Sleep, pain and rest"]

    records = caplog.get_records("setup") + caplog.get_records("call")  # publishing logs too
    outage = [record for record in records if record.name in ("headless.cache", "cms.database")]
    assert len(outage) == 1, [record.getMessage() for record in outage]
    assert outage[0].name == "headless.cache"
    assert "Error 111 connecting to 127.0.0.1" in outage[0].exc_text


def test_healthz_says_degraded_without_redis(redis_down, client, db):
    response = client.get("/healthz")

    assert response.status_code == 200  # still serving correct answers: keep it in rotation
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"]["ok"] is True
    assert body["cache"]["ok"] is False


# Database errors in the request


def raise_operational_error(*args, **kwargs):
    raise OperationalError('connection to server at "db" failed: Connection refused')


def test_lost_database_connection_answers_503_json_on_the_api(monkeypatch, db):
    monkeypatch.setattr(PagesEndpoint, "listing_view", raise_operational_error)
    monkeypatch.setattr(connection, "is_usable", lambda: False)  # the server went away
    client = Client(raise_request_exception=False)

    response = client.get("/api/v2/pages/")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "message": "The service is temporarily unavailable. Please retry shortly."
    }
    assert response["Retry-After"] == "10"


def test_a_failing_query_on_a_live_connection_is_no_outage(monkeypatch, db):
    # SQLite reports a malformed full-text search as an OperationalError, for one.
    monkeypatch.setattr(PagesEndpoint, "listing_view", raise_operational_error)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v2/pages/")

    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error."}


def test_other_api_errors_answer_json_without_a_traceback(monkeypatch, db):
    def fail(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(PagesEndpoint, "listing_view", fail)
    client = Client(raise_request_exception=False)

    response = client.get("/api/v2/pages/")

    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error."}
    assert "ZeroDivisionError" not in response.text


# Bad input that would reach the database


@pytest.mark.parametrize(
    "query",
    [
        "type=articles.ArticlePage&condition=%00",
        "search=pain%00",
        "locale=%00",
        "%00=1",
    ],
)
def test_nul_characters_in_the_query_are_refused_with_400(client, article, query):
    response = client.get(f"/api/v2/pages/?{query}")

    assert response.status_code == 400
    assert response.json() == {"message": "Query parameters must not contain NUL characters."}


def test_nul_in_a_path_to_find_is_refused_with_400(client, article):
    response = client.get("/api/v2/pages/find/?html_path=/articles/%00/")

    assert response.status_code == 400


# PostgreSQL stopped and started under a running gunicorn


def copy_schema(target_url):
    """The test database's tables, or freshly migrated ones, in the private cluster."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql" and shutil.which("pg_dump"):
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", "-h", settings["HOST"] or "127.0.0.1"]
            + ["-p", str(settings["PORT"] or 5432), "-U", settings["USER"], settings["NAME"]],
            env={**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""},
            check=True,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", target_url],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=60,
        )
    else:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=servers.ROOT,
            env=servers.production_env(DATABASE_URL=target_url),
            check=True,
            timeout=180,
        )


@pytest.fixture
def private_postgres(django_db_setup, django_db_blocker):
    if not servers.POSTGRES_BINARIES:
        message = "PostgreSQL's server binaries are missing: apt-get install postgresql"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    database = servers.PrivatePostgres()
    try:
        database.start()
        with django_db_blocker.unblock():
            copy_schema(database.url)
        yield database
    finally:
        database.remove()


@pytest.mark.django_db  # the test database is the private cluster's template
def test_api_answers_503_while_postgres_is_down_and_recovers_by_itself(private_postgres, tmp_path):
    log = tmp_path / "gunicorn.log"
    env = servers.production_env(DATABASE_URL=private_postgres.url, API_RESPONSE_CACHE="0")
    with servers.gunicorn(env, log) as port:
        assert servers.request(port, "/api/v2/pages/").status == 200

        private_postgres.stop()
        for path in ("/api/v2/pages/", "/api/v2/pages/?limit=1", "/api/v2/no-such-endpoint/"):
            response = servers.request(port, path)
            assert response.status == 503, (path, response.text)
            assert response.headers["Content-Type"] == "application/json"
            assert response.json() == {
                "message": "The service is temporarily unavailable. Please retry shortly."
            }
            assert response.headers["Retry-After"] == "10"
        health = servers.request(port, "/healthz")
        assert health.status == 503
        assert health.json()["status"] == "down"

        private_postgres.start()
        assert servers.request(port, "/api/v2/pages/").status == 200
        health = servers.request(port, "/healthz")
        assert (health.status, health.json()["status"]) == (200, "ok")

    output = log.read_text()
    assert "Traceback" not in output
    outage_lines = [
        line for line in output.splitlines() if "Database unavailable" in line or "Health" in line
    ]
    assert len(outage_lines) == 1, output
