"""What an operator scrapes from /metrics: counters that move as the site works, behind a token.

The counters are the process's own and keep counting across tests, so each test reads them
before and after what it does and checks the difference.
"""

import datetime
import http.client
import json
import shutil
import threading

import pytest
import wagtail_factories
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from home.models import ClinicSettings
from tests import servers
from tests.factories import ArticlePageFactory, ContactPageFactory, FormFieldFactory
from webhooks.dispatch import enqueue_deliveries

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-scrape-token"  # noqa: S105
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


@pytest.fixture(autouse=True)
def _token(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_WITHOUT_TOKEN = False


def scrape(client):
    """Every sample of a scrape, by name and labels; the text must parse as Prometheus's."""
    response = client.get("/metrics", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return samples(response.content.decode())


def samples(text):
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(metrics, name, **labels):
    return metrics.get((name, frozenset(labels.items())), 0)


def moved(before, after, name, **labels):
    return value(after, name, **labels) - value(before, name, **labels)


def answers(before, after, result):
    return moved(before, after, "cms_api_cache_answers_total", endpoint=DETAIL, result=result)


DETAIL = "wagtailapi:pages:detail"


@pytest.fixture
def article(article_index, site):
    ClinicSettings.for_site(site)  # a real site has its settings row already
    page = ArticlePageFactory(parent=article_index, title="Nerve blocks", slug="nerve-blocks")
    page.save_revision().publish()
    return page


@pytest.fixture
def contact_page(home, settings):
    settings.CONTACT_RATE_LIMIT = "10000/h"
    page = ContactPageFactory(parent=home, title="Ask the clinic", to_address="desk@example.com")
    FormFieldFactory(page=page, label="Message", field_type="multiline", sort_order=0)
    return page


def test_counters_move_with_a_scripted_scenario(
    client, article, contact_page, settings, django_capture_on_commit_callbacks
):
    # The cache worker's task runs in this process here
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "WARM": True}
    settings.WEBHOOK_URLS = ["https://frontend.example/api/revalidate|a-webhook-secret"]
    url = f"/api/v2/pages/{article.pk}/"
    before = scrape(client)

    # An API answer: a miss, then a hit.
    assert client.get(url)["X-Cache"] == "miss"
    assert client.get(url)["X-Cache"] == "hit"
    middle = scrape(client)
    assert answers(before, middle, "miss") == 1
    assert answers(before, middle, "hit") == 1
    ok = {"endpoint": DETAIL, "method": "GET", "status": "200"}
    assert moved(before, middle, "cms_http_requests_total", **ok) == 2
    timed = {"endpoint": DETAIL, "method": "GET"}
    assert moved(before, middle, "cms_http_request_duration_seconds_count", **timed) == 2

    # A publish: the cache worker renders the stale answer again, and queues a webhook delivery.
    article.title = "Nerve blocks, revised"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert client.get(url)["X-Cache"] == "hit"
    assert client.get(url).json()["title"] == "Nerve blocks, revised"

    # A contact submission.
    submit = reverse("contact:submit", args=[contact_page.pk])
    answer = client.post(submit, json.dumps({"message": "Pain"}), content_type="application/json")
    assert answer.status_code == 201

    # A rendition made, and one made already (not counted again).
    image = wagtail_factories.ImageFactory()
    image.get_rendition("width-40")
    image.get_rendition("width-40")

    after = scrape(client)
    # The cache worker's render of the stale answer, then the visitor's two hits.
    assert answers(middle, after, "stale") == 1
    assert answers(middle, after, "hit") == 2
    assert answers(middle, after, "miss") == 0
    assert moved(middle, after, "cms_api_cache_change_to_fresh_seconds_count") == 1
    assert moved(middle, after, "cms_api_cache_change_to_fresh_seconds_bucket", le="60.0") == 1
    submitted = {"endpoint": "contact:submit", "method": "POST", "status": "201"}
    assert moved(middle, after, "cms_http_requests_total", **submitted) == 1
    assert moved(middle, after, "cms_renditions_created_total") == 1
    queued = {"backend": "webhooks", "queue": "default", "status": "READY"}
    assert moved(middle, after, "cms_tasks", **queued) == 1
    assert moved(middle, after, "cms_webhook_deliveries", status="pending") == 1
    waited = value(after, "cms_task_oldest_ready_age_seconds", backend="webhooks", queue="default")
    assert 0 <= waited < 60


def test_a_visitor_after_a_change_renders_the_stale_answer(
    client, article, django_capture_on_commit_callbacks
):
    url = f"/api/v2/pages/{article.pk}/"
    client.get(url)
    before = scrape(client)
    article.title = "Nerve blocks, revised"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert client.get(url).json()["title"] == "Nerve blocks, revised"
    assert client.get(url)["X-Cache"] == "hit"
    after = scrape(client)
    assert (answers(before, after, "stale"), answers(before, after, "miss")) == (1, 0)
    assert answers(before, after, "hit") == 1


def test_queue_depths_failures_and_the_oldest_ready_task_age(client, settings):
    settings.WEBHOOK_URLS = ["https://frontend.example/api/revalidate|a-webhook-secret"]
    enqueue_deliveries({"event": "page.published", "page": {"id": 1}})
    enqueue_deliveries({"event": "page.published", "page": {"id": 2}})
    waiting = DBTaskResult.objects.filter(backend_name="webhooks")
    assert waiting.count() == 2
    oldest = waiting.first()
    DBTaskResult.objects.filter(pk=oldest.pk).update(
        run_after=timezone.now() - datetime.timedelta(minutes=5)
    )
    failed = waiting.exclude(pk=oldest.pk).get()
    DBTaskResult.objects.filter(pk=failed.pk).update(status="FAILED")

    metrics = scrape(client)
    queue = {"backend": "webhooks", "queue": "default"}
    assert value(metrics, "cms_tasks", **queue, status="READY") == 1
    assert value(metrics, "cms_tasks", **queue, status="FAILED") == 1
    assert ("cms_tasks", frozenset({**queue, "status": "RUNNING"}.items())) in metrics
    assert value(metrics, "cms_tasks", **queue, status="RUNNING") == 0
    assert 300 <= value(metrics, "cms_task_oldest_ready_age_seconds", **queue) < 360
    assert value(metrics, "cms_webhook_deliveries", status="pending") == 2
    assert ("cms_webhook_deliveries", frozenset({"status": "failed"}.items())) in metrics


def test_endpoints_are_url_names_never_raw_paths(client, article):
    for pk in (article.pk, 987654321):
        client.get(f"/api/v2/pages/{pk}/")
    client.get("/static/no-such-file-31337.css")
    client.get("/healthz")
    metrics = scrape(client)
    endpoints = {dict(labels).get("endpoint") for _, labels in metrics} - {None}
    assert {DETAIL, "unmatched", "healthz"} <= endpoints
    assert not [
        endpoint for endpoint in endpoints if "987654321" in endpoint or "31337" in endpoint
    ]
    assert (
        "cms_http_requests_total",
        frozenset({"endpoint": DETAIL, "method": "GET", "status": "404"}.items()),
    ) in metrics


# Who may scrape


def test_without_a_token_configured_metrics_are_not_found(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", **AUTH).status_code == 404


@pytest.mark.parametrize("header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer "])
def test_a_missing_or_wrong_token_gets_401(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get("/metrics", **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"cms_" not in response.content


def test_behind_a_network_rule_metrics_need_no_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_WITHOUT_TOKEN = True
    response = client.get("/metrics")
    assert response.status_code == 200
    assert "cms_http_requests_total" in {
        family.name + "_total"
        for family in text_string_to_metric_families(response.content.decode())
    }


# Several gunicorn workers


def test_a_scrape_adds_up_every_gunicorn_worker(tmp_path):
    """Two workers count in PROMETHEUS_MULTIPROC_DIR; each scrape, whichever worker answers it,
    reports every worker's requests. Prometheus scrapes an app server by its address over plain
    HTTP, with a Host header the site does not serve: /metrics answers it all the same."""
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    env = servers.production_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        PROMETHEUS_MULTIPROC_DIR=str(multiproc),
        METRICS_TOKEN=TOKEN,
    )
    healthz = {"endpoint": "healthz", "method": "GET", "status": "200"}

    def by_worker():
        """Each worker's count of /healthz requests, read from its own file alone."""
        counts = []
        for number, file in enumerate(sorted(multiproc.glob("counter_*.db"))):
            alone = tmp_path / f"worker-{number}"
            alone.mkdir(exist_ok=True)
            shutil.copy(file, alone / file.name)
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=str(alone))
            counts.append(registry.get_sample_value("cms_http_requests_total", healthz) or 0)
        return counts

    def scraped():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Host": "10.0.0.5:8000", "Authorization": f"Bearer {TOKEN}"}
        connection.request("GET", "/metrics", headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        assert response.status == 200, body
        return samples(body).get(("cms_http_requests_total", frozenset(healthz.items())), 0)

    with servers.gunicorn(env, tmp_path / "gunicorn.log", workers=2) as port:
        probes = scraped()  # the readiness probes of servers.gunicorn
        sent = 0
        while (len(by_worker()) < 2 or 0 in by_worker()) and sent < 400:
            threads = [
                threading.Thread(target=servers.request, args=(port, "/healthz")) for _ in range(8)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            sent += len(threads)
        counts = by_worker()
        assert len(counts) == 2 and 0 not in counts, "both workers answered some"
        assert sum(counts) == probes + sent
        assert [scraped() for _ in range(6)] == [probes + sent] * 6
