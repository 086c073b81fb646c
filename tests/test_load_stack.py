"""`make load` end to end (bench/stack_load.py), and the parts it judges by: the fake CDN of
bench/fake_cdn.py and the freshness check.

The fake CDN is checked against a small origin of this test's own: what it keeps and for how
long (``Cache-Control``, ``Vary``, cookies), the purges headless/cache/purge.py sends (by URL, by
Fastly's surrogate keys, by Cloudflare's tags), and that an answer fetched while a purge arrived
is not kept. The freshness check is checked on made-up answers. The end-to-end test runs the
script's short mode on the whole stack (PostgreSQL, Redis, moto S3, two gunicorn servers, both
workers, the CDN) and reads its figures: no 5xx, nothing stale, the CDN hit and was purged.
"""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
import requests
from django.db import connection

from bench import fake_cdn, stack_load
from headless.cache import purge as cdn_purge
from tests import servers

FRESH_WITHIN = 1.0


class Origin(ThreadingHTTPServer):
    """An app server stand-in: answers each path with the headers the test gave it, and a body
    numbering the requests it received."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), OriginHandler)
        self.routes = {}
        self.count = 0
        self.lock = threading.Lock()
        self.hold = None  # an Event the next answer waits for


class OriginHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        with self.server.lock:
            self.server.count += 1
            number = self.server.count
        hold, self.server.hold = self.server.hold, None
        if hold is not None:
            hold.wait(10)
        status, headers = self.server.routes.get(self.path.split("?")[0], (404, {}))
        body = json.dumps({"answer": number, "forwarded": self.headers.get("X-Forwarded-For")})
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())


@pytest.fixture
def cdn():
    origin = Origin()
    proxy = fake_cdn.FakeCDN(("127.0.0.1", 0), [f"127.0.0.1:{origin.server_port}"], "token")
    for server in (origin, proxy):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{proxy.server_port}"
    yield origin, base
    for server in (origin, proxy):
        server.shutdown()
        server.server_close()


def fetch(base, path, **headers):
    response = requests.get(base + path, headers=headers, timeout=10)
    return response.json()["answer"], response.headers.get("X-CDN")


def test_the_cdn_keeps_what_cache_control_allows_for_as_long_as_it_says(cdn):
    origin, base = cdn
    origin.routes = {
        "/public": (200, {"Cache-Control": "public, max-age=60"}),
        "/shared": (200, {"Cache-Control": "public, max-age=0, s-maxage=60"}),
        "/expired": (200, {"Cache-Control": "public, max-age=0"}),
        "/private": (200, {"Cache-Control": "private, no-store"}),
        "/no-cache": (200, {"Cache-Control": "no-cache"}),
        "/unsaid": (200, {}),
        "/cookie": (200, {"Cache-Control": "public, max-age=60", "Set-Cookie": "a=b"}),
    }
    assert fetch(base, "/public") == (1, "miss")
    assert fetch(base, "/public") == (1, "hit")
    assert fetch(base, "/public?page=2") == (2, "miss")  # the query is part of the URL
    assert fetch(base, "/shared") == (3, "miss")
    assert fetch(base, "/shared") == (3, "hit")
    for path in ("/expired", "/private", "/no-cache", "/unsaid", "/cookie"):
        first, _ = fetch(base, path)
        assert fetch(base, path) == (first + 1, "miss"), path
    # A visitor with a session, or credentials, is never answered from the cache.
    assert fetch(base, "/public", Cookie="sessionid=x")[1] == "pass"
    assert fetch(base, "/public", Authorization="Bearer x")[1] == "pass"


def test_the_cdn_keeps_a_copy_per_value_of_the_headers_an_answer_varies_on(cdn):
    origin, base = cdn
    origin.routes = {"/page": (200, {"Cache-Control": "max-age=60", "Vary": "Accept-Language"})}
    assert fetch(base, "/page", **{"Accept-Language": "en"}) == (1, "miss")
    assert fetch(base, "/page", **{"Accept-Language": "es"}) == (2, "miss")
    assert fetch(base, "/page", **{"Accept-Language": "en"}) == (1, "hit")
    assert fetch(base, "/page", **{"Accept-Language": "es"}) == (2, "hit")


def test_the_cdn_forwards_the_client_address_and_https(cdn):
    origin, base = cdn
    origin.routes = {"/a": (200, {})}
    response = requests.get(base + "/a", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10)
    assert response.json()["forwarded"] == "203.0.113.9, 127.0.0.1"


def test_the_cdn_takes_the_purges_the_cache_sends(cdn, settings):
    origin, base = cdn
    tagged = {"Cache-Control": "max-age=60", "Surrogate-Key": "page-1 pages", "Cache-Tag": "x"}
    origin.routes = {
        "/api/v2/pages/1/": (200, tagged),
        "/api/v2/pages/2/": (200, {"Cache-Control": "max-age=60", "Cache-Tag": "page-2,pages"}),
        "/api/v2/site/": (200, {"Cache-Control": "max-age=60", "Surrogate-Key": "settings"}),
    }
    paths = ["/api/v2/pages/1/", "/api/v2/pages/2/", "/api/v2/site/"]
    first = [fetch(base, path)[0] for path in paths]
    assert [fetch(base, path) for path in paths] == [(n, "hit") for n in first]

    # As the cache worker purges (headless.cache.purge), with the settings docs/production.md
    # gives: by Fastly's surrogate keys, then by URL through Wagtail's HTTP backend.
    fastly = {
        "BACKEND": "headless.cache.backends.fastly.FastlyBackend",
        **{"SERVICE_ID": "s", "API_TOKEN": "token", "API_URL": base},
    }
    settings.HEADLESS_CACHE = {**settings.HEADLESS_CACHE, "PURGE_BACKENDS": {"fastly": fastly}}
    settings.WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": base,
        }
    }
    cdn_purge.purge({"page-1"}, [])
    assert fetch(base, paths[0])[1] == "miss"
    assert [fetch(base, path)[1] for path in paths[1:]] == ["hit", "hit"]
    cdn_purge.purge(set(), [f"https://localhost{paths[2]}"])
    assert [fetch(base, path)[1] for path in paths] == ["hit", "hit", "miss"]

    # Cloudflare's API, by the tags of Cache-Tag; a wrong token is refused.
    cloudflare = {
        "BACKEND": "headless.cache.backends.cloudflare.CloudflareBackend",
        **{"ZONE_ID": "z", "API_TOKEN": "token", "API_URL": base},
    }
    settings.HEADLESS_CACHE = {
        **settings.HEADLESS_CACHE,
        "PURGE_BACKENDS": {"cloudflare": cloudflare},
    }
    settings.WAGTAILFRONTENDCACHE = {}
    cdn_purge.purge({"pages"}, [])
    assert [fetch(base, path)[1] for path in paths] == ["miss", "miss", "hit"]
    refused = requests.post(
        f"{base}/service/s/purge", headers={"Fastly-Key": "wrong", "Surrogate-Key": "settings"}
    )
    assert refused.status_code == 403
    assert fetch(base, paths[2])[1] == "hit"

    stats = requests.get(f"{base}/__cdn/stats", timeout=10).json()
    assert (stats["purge_tag_requests"], stats["purge_url_requests"]) == (2, 1)


def test_an_answer_fetched_while_its_purge_arrived_is_passed_on_but_not_kept(cdn):
    origin, base = cdn
    origin.routes = {"/api/v2/pages/1/": (200, {"Cache-Control": "max-age=60", "Cache-Tag": "p"})}
    release = origin.hold = threading.Event()
    answers = []
    slow = threading.Thread(target=lambda: answers.append(fetch(base, "/api/v2/pages/1/")))
    slow.start()
    while origin.count == 0:  # the origin has the request, and holds its answer
        threading.Event().wait(0.01)
    purged = requests.post(
        f"{base}/service/s/purge", headers={"Fastly-Key": "token", "Surrogate-Key": "p"}
    )
    assert purged.status_code == 200
    release.set()
    slow.join()
    assert answers == [(1, "miss")]
    assert fetch(base, "/api/v2/pages/1/") == (2, "miss")  # the old answer was not kept
    assert fetch(base, "/api/v2/pages/1/") == (2, "hit")


def test_freshness_counts_an_answer_older_than_the_last_commit_by_more_than_the_allowance():
    history = {7: [(float("-inf"), "Pacing"), (100.0, "Pacing (revision 1)")]}
    records = [
        # sent, latency, status, expected, x-cdn, x-cache, shown
        (99.0, 0.01, 200, 200, "hit", None, ((7, "Pacing"),)),  # before the commit
        (100.5, 0.01, 200, 200, "hit", None, ((7, "Pacing"),)),  # within the allowance
        (100.6, 0.01, 200, 200, "miss", "hit", ((7, "Pacing (revision 1)"),)),
        (101.5, 0.01, 200, 200, "hit", None, ((7, "Pacing"), (8, "Other"))),  # stale
        (101.6, 0.01, 200, 200, "hit", None, ((7, "Never published"),)),
    ]
    stale, examples, slowest, checked, after = stack_load.freshness(records, history, FRESH_WITHIN)
    assert (stale, slowest, checked, after) == (2, 1.5, 5, 4)
    assert examples == [
        "page 7 showed 'Pacing' 1.50s after a newer commit",
        "page 7 showed 'Never published', never published",
    ]


@pytest.mark.multiserver
def test_make_load_short_mode_finds_no_5xx_and_nothing_stale(tmp_path):
    """The whole stack under a short load while a reviewer publishes (LOAD_SECONDS=12)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    database = connection.settings_dict
    url = (
        f"postgres://{quote(database['USER'] or 'postgres')}:{quote(database['PASSWORD'] or '')}"
        f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/"
        f"{database['NAME']}_stack_load"
    )
    figures_path = tmp_path / "figures.json"
    # Redis databases 4 and 5, moved by TEST_REDIS_DB_OFFSET as every test's are.
    redis_db = servers.redis_url(4).rsplit("/", 1)[1]
    run = subprocess.run(
        [sys.executable, "bench/stack_load.py", "--postgres-url", url, "--redis-db", redis_db]
        + ["--publish-every", "2", "--concurrency", "4", "--json", str(figures_path)],
        cwd=servers.ROOT,
        env={**os.environ, "LOAD_SECONDS": "12"},
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    figures = json.loads(figures_path.read_text())
    said = run.stdout[-3000:]
    assert (figures["5xx"], figures["stale"], figures["unexpected"]) == (0, 0, 0), said
    assert figures["publishes"] >= 1 and figures["answers_after_a_publish"] > 0, said
    assert figures["cdn_hits"] > 0 and figures["app_hits"] > 0, said
    assert figures["purge_tag_requests"] > 0 and figures["purge_url_requests"] > 0, said
    assert figures["contact_created"] > 0 and figures["bucket_files"] > 0, said
    assert figures["webhooks"] > 0, said
