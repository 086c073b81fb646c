"""A CDN in front of the API is told exactly what a change made stale.

A fake CDN on 127.0.0.1 stands in for Cloudflare's and Fastly's purge APIs and for an HTTP
cache that takes PURGE requests (Varnish, nginx), reached through Wagtail's frontend cache.
"""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django_tasks_db.models import DBTaskResult

from headless import cache
from home.models import ClinicSettings
from tests.factories import ArticlePageFactory

pytestmark = pytest.mark.django_db


class FakeCDN(ThreadingHTTPServer):
    def __init__(self, status=200):
        self.requests = []
        self.status = status
        super().__init__(("127.0.0.1", 0), Recorder)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_port}"

    def purged_tags(self, path):
        return {
            tag
            for method, at, headers, body in self.requests
            if at == path
            for tag in (json.loads(body)["tags"] if body else headers["Surrogate-Key"].split())
        }

    def purged_urls(self):
        return {
            (headers["Host"], at) for method, at, headers, _ in self.requests if method == "PURGE"
        }


class Recorder(BaseHTTPRequestHandler):
    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.server.requests.append((self.command, self.path, dict(self.headers), body))
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"success": true}')

    do_POST = do_PURGE = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(settings):
    server = FakeCDN()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    backends = {
        "cloudflare": {
            "BACKEND": "headless.cache.backends.cloudflare.CloudflareBackend",
            "ZONE_ID": "zone1",
            "API_TOKEN": "cf-token",
            "API_URL": f"{server.url}/client/v4",
        },
        "fastly": {
            "BACKEND": "headless.cache.backends.fastly.FastlyBackend",
            "SERVICE_ID": "svc1",
            "API_TOKEN": "fastly-token",
            "API_URL": server.url,
        },
    }
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "PURGE_BACKENDS": backends}
    settings.WAGTAILFRONTENDCACHE = {
        "purge": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": server.url,
        }
    }
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def articles(article_index, site):
    ClinicSettings.for_site(site)
    made = []
    for slug in ("a", "b"):
        page = ArticlePageFactory(parent=article_index, title=f"Article {slug}", slug=slug)
        page.save_revision().publish()
        made.append(page)
    return made


CLOUDFLARE = "/client/v4/zones/zone1/purge_cache"
FASTLY = "/service/svc1/purge"


def test_a_publish_purges_its_tags_and_the_cached_urls_that_show_it(
    client, cdn, articles, django_capture_on_commit_callbacks
):
    a, b = articles
    for page in (a, b):
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 200
    assert client.get("/api/v2/pages/?type=articles.ArticlePage").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    assert {f"page-{a.pk}", "pages"} <= cdn.purged_tags(CLOUDFLARE)
    assert f"page-{b.pk}" not in cdn.purged_tags(CLOUDFLARE)
    assert cdn.purged_tags(FASTLY) == cdn.purged_tags(CLOUDFLARE)
    cloudflare = next(r for r in cdn.requests if r[1] == CLOUDFLARE)
    assert cloudflare[2]["Authorization"] == "Bearer cf-token"
    fastly = next(r for r in cdn.requests if r[1] == FASTLY)
    assert fastly[2]["Fastly-Key"] == "fastly-token"
    # URL purges: what the response cache had stored that shows a, and nothing else.
    assert cdn.purged_urls() == {
        ("testserver", f"/api/v2/pages/{a.pk}/"),
        ("testserver", "/api/v2/pages/?type=articles.ArticlePage"),
    }


def test_the_tags_a_cdn_is_told_to_purge_are_those_the_answers_carry(
    client, cdn, articles, django_capture_on_commit_callbacks
):
    a, _ = articles
    response = client.get(f"/api/v2/pages/{a.pk}/")
    carried = set(response["Cache-Tag"].split(","))

    with django_capture_on_commit_callbacks(execute=True):
        a.save_revision().publish()

    assert carried & cdn.purged_tags(CLOUDFLARE) == {f"page-{a.pk}"}


def test_a_failing_cdn_does_not_break_publishing(
    client, cdn, articles, django_capture_on_commit_callbacks, caplog
):
    cdn.status = 500
    a, _ = articles
    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    assert client.get(f"/api/v2/pages/{a.pk}/").json()["title"] == "Article a, revised"
    assert "Purging tags from the CDN (cloudflare) failed" in caplog.text


def test_nothing_is_purged_when_no_cdn_is_configured(
    settings, articles, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr(cache.tasks.purge, "purge", lambda *args: calls.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        articles[0].save_revision().publish()
    assert calls == []


def test_the_purge_waits_until_every_server_has_read_the_change(cdn, settings, monkeypatch):
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "POLL_SECONDS": 0.5}
    waits = []
    monkeypatch.setattr(cache.tasks.time, "sleep", waits.append)
    monkeypatch.setattr(cache.tasks.time, "time", lambda: 1000.0)

    cache.after_change.call(["page-1"], 1000.0)  # just committed
    cache.after_change.call(["page-1"], 990.0)  # committed ten seconds ago

    assert waits[0] == pytest.approx(0.6)
    assert waits[1] == 0
    assert len(cdn.purged_tags(CLOUDFLARE)) == 1


def test_the_cdn_is_purged_before_the_stale_answers_are_rendered_again(
    client, cdn, articles, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """Re-rendering a publish's stale answers takes seconds (every listing page, every article
    that shows it; `make load` measured up to 7 s on a busy machine): a CDN told only after
    them serves the old answers all that time, past the one second docs/production.md
    promises. Once every server has read the change the CDN is purged, then they are made."""
    a, b = articles
    for page in (a, b):
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 200
    assert client.get("/api/v2/pages/?type=articles.ArticlePage").status_code == 200
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "WARM": True}
    requests_at_render = []
    render = cache.tasks.render
    monkeypatch.setattr(
        cache.tasks,
        "render",
        lambda url: requests_at_render.append(len(cdn.requests)) or render(url),
    )

    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()

    # Cloudflare's and Fastly's purges by tag, and one PURGE per URL, all before any render.
    purges = len(cdn.requests)
    assert purges == 4
    assert requests_at_render == [purges, purges]
    assert client.get(f"/api/v2/pages/{a.pk}/")["X-Cache"] == "hit"


def run_cache_queue():
    """Run the cache tasks queued, one at a time, in the order the cache worker takes them
    (``manage.py db_worker --backend cache``: by priority, then the oldest first)."""
    while (queued := DBTaskResult.objects.ready().filter(backend_name="cache").first()) is not None:
        queued.claim("test")
        result = queued.task_result
        queued.set_successful(queued.task.call(*result.args, **result.kwargs))


def test_a_publish_is_purged_without_waiting_for_an_earlier_ones_answers_to_be_rendered(
    client, cdn, articles, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """One cache worker runs the tasks one at a time, and rendering a change's answers again
    takes seconds: a publish committed meanwhile must not wait for them to be purged (`make
    load` saw a purge come 6.1 s after its commit, the CDN serving the old title until then).
    Its purge goes first; the earlier change's answers left are rendered after."""
    a, b = articles
    listing = "/api/v2/pages/?type=articles.ArticlePage"
    for path in (f"/api/v2/pages/{a.pk}/", f"/api/v2/pages/{b.pk}/", listing):
        assert client.get(path).status_code == 200
    settings.TASKS = {
        **settings.TASKS,
        "cache": {"BACKEND": "django_tasks_db.DatabaseBackend", "ENQUEUE_ON_COMMIT": False},
    }
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "WARM": True}
    monkeypatch.setattr(cache.tasks.time, "sleep", lambda seconds: None)  # the servers' poll
    events = []
    purge, render = cache.tasks.purge.purge, cache.tasks.render
    monkeypatch.setattr(
        cache.tasks.purge, "purge", lambda tags, urls: events.append(tags) or purge(tags, urls)
    )

    def render_while_b_is_published(url):
        events.append(url.removeprefix("http://testserver"))
        if len(events) == 2:
            with django_capture_on_commit_callbacks(execute=True):
                b.title = "Article b, revised"
                b.save_revision().publish()
        return render(url)

    monkeypatch.setattr(cache.tasks, "render", render_while_b_is_published)
    with django_capture_on_commit_callbacks(execute=True):
        a.title = "Article a, revised"
        a.save_revision().publish()
    run_cache_queue()

    assert f"page-{a.pk}" in events[0]
    assert events[1] == f"/api/v2/pages/{a.pk}/"  # b is published as this is rendered
    assert f"page-{b.pk}" in events[2]  # and purged next
    assert listing in events[3:]
    for page, title in ((a, "Article a, revised"), (b, "Article b, revised")):
        answer = client.get(f"/api/v2/pages/{page.pk}/")
        assert (answer.json()["title"], answer["X-Cache"]) == (title, "hit")
    answer = client.get(listing)
    titles = {item["title"] for item in answer.json()["items"]}
    assert (titles, answer["X-Cache"]) == ({"Article a, revised", "Article b, revised"}, "hit")


def test_a_change_is_purged_again_once_an_old_answer_on_its_way_has_reached_the_cdn(
    client, cdn, articles, django_capture_on_commit_callbacks, monkeypatch, settings
):
    """After the first purge a CDN can still receive an old answer: one a server sent before it
    had read the change, slower to arrive than the purge. A second purge of the same tags and
    URLs, PURGE_AGAIN_SECONDS later, drops it."""
    a, _ = articles
    assert client.get(f"/api/v2/pages/{a.pk}/").status_code == 200
    settings.TASKS = {
        **settings.TASKS,
        "cache": {"BACKEND": "django_tasks_db.DatabaseBackend", "ENQUEUE_ON_COMMIT": False},
    }
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "PURGE_AGAIN_SECONDS": 5}
    monkeypatch.setattr(cache.tasks.time, "sleep", lambda seconds: None)  # the servers' poll

    with django_capture_on_commit_callbacks(execute=True):
        a.save_revision().publish()
    run_cache_queue()
    first = list(cdn.requests)
    assert f"page-{a.pk}" in cdn.purged_tags(CLOUDFLARE)
    assert ("testserver", f"/api/v2/pages/{a.pk}/") in cdn.purged_urls()

    later = DBTaskResult.objects.get(status="READY")  # not before its time
    assert 4.5 < (later.run_after - later.enqueued_at).total_seconds() < 6
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=later.enqueued_at)
    run_cache_queue()
    assert cdn.requests[len(first) :] == first
