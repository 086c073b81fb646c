"""A small caching reverse proxy standing in for the CDN in front of the app servers.

It is what `make load` (bench/stack_load.py) puts between the load and two gunicorn servers,
on 127.0.0.1, so the whole path a frontend's request takes is exercised, purges included::

    .venv/bin/python bench/fake_cdn.py --port 8080 --origin 127.0.0.1:8001 --origin 127.0.0.1:8002

What it does, as a CDN configured the way docs/production.md asks:

- **Spreads requests** over the origins, round robin, adding ``X-Forwarded-For`` (the client's
  address) and ``X-Forwarded-Proto: https`` (it stands for the TLS end).
- **Caches GET answers by URL as ``Cache-Control`` allows**: ``s-maxage``, else ``max-age``;
  nothing marked ``no-store``, ``no-cache`` or ``private``, nothing without a lifetime, nothing
  setting a cookie. One copy per value of the request headers ``Vary`` names (none for
  ``Vary: *``). Requests carrying a cookie or credentials, and every other method, bypass the
  cache. HEAD is answered from a cached GET when there is one.
- **Accepts purges the way headless/cache/purge.py sends them**: an HTTP ``PURGE`` of a URL (Wagtail's
  ``HTTPBackend``, ``CDN_PURGE_URL``), Fastly's ``POST /service/<id>/purge`` with the keys in
  ``Surrogate-Key`` and the token in ``Fastly-Key``, and Cloudflare's
  ``POST /zones/<id>/purge_cache`` with ``{"tags": [...]}`` and a bearer token. Tags are read
  from each answer's ``Surrogate-Key`` (or ``Cache-Tag``).
- **Never keeps an answer fetched before a purge of it**: an answer whose fetch started before a
  purge of its URL or one of its tags arrived is passed on but not stored (counted as
  ``refused_after_purge``). Real CDNs differ here: with ``--as-real-cdn`` it keeps them, as
  Fastly and Cloudflare do (counted as ``kept_after_purge``), so an old answer racing the purge
  stays cached until the next purge or for its whole lifetime.

Each answer says what happened in ``X-CDN`` (``hit``, ``miss`` or ``pass``), with ``Age`` on
hits, and where it came from, for telling why an answer was old: ``X-CDN-Origin`` (the server
that answered the fetch) and ``X-CDN-Fetched`` (when the fetch started and ended, on this
machine's monotonic clock). ``GET /__cdn/stats`` answers the counts as JSON, ``GET
/__cdn/purges`` every purge received (``[time, "url", path]`` or ``[time, "tags", [tag...]]``,
the same clock); ``POST /__cdn/webhook`` counts a webhook delivery (the load points the CMS's
webhooks here, so the webhook worker has somewhere to send).
"""

import argparse
import http.client
import itertools
import json
import re
import sys
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
FASTLY_PURGE = re.compile(r"^/service/[^/]+/purge$")
CLOUDFLARE_PURGE = re.compile(r"^/zones/[^/]+/purge_cache$")
UPSTREAM_TIMEOUT = 60


def lifetime(cache_control):
    """Seconds a shared cache may keep an answer with this ``Cache-Control``; 0: not at all."""
    directives = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        directives[name.strip().lower()] = value.strip().strip('"')
    if {"no-store", "no-cache", "private"} & directives.keys():
        return 0
    for name in ("s-maxage", "max-age"):
        if name in directives:
            try:
                return max(0, int(directives[name]))
            except ValueError:
                return 0
    return 0


class Entry:
    __slots__ = ("vary", "status", "headers", "body", "stored", "expires", "tags")

    def __init__(self, vary, status, headers, body, ttl, tags):
        self.vary, self.status, self.headers, self.body = vary, status, headers, body
        self.stored = time.monotonic()
        self.expires = self.stored + ttl
        self.tags = tags


class Cache:
    """The stored answers, by URL and then by the values of the headers they vary on."""

    def __init__(self, keep_racing=False):
        self.keep_racing = keep_racing  # keep answers fetched while a purge arrived
        self.lock = threading.Lock()
        self.entries = defaultdict(list)  # url -> [Entry]
        self.by_tag = defaultdict(set)  # tag -> {url}
        self.purge_count = 0  # a sequence number: one more at each purge
        self.purged_at = {}  # url or ("tag", tag) -> the purge's number
        self.stats = Counter()
        self.purges = []  # [monotonic time, "url", path] or [time, "tags", [tag, ...]]

    def lookup(self, url, request_headers):
        now = time.monotonic()
        with self.lock:
            for entry in self.entries.get(url, ()):
                if entry.expires > now and entry.vary == self.vary_key(entry, request_headers):
                    return entry
        return None

    @staticmethod
    def vary_key(entry_or_names, request_headers):
        names = entry_or_names.vary[0] if isinstance(entry_or_names, Entry) else entry_or_names
        return names, tuple(request_headers.get(name, "") for name in names)

    def store(self, url, request_headers, status, headers, body, started_at_purge):
        """Keep the answer if it may be kept; whether it was."""
        header = {name.lower(): value for name, value in headers}
        ttl = lifetime(header.get("cache-control", ""))
        vary = [name.strip().lower() for name in header.get("vary", "").split(",") if name.strip()]
        if not ttl or "set-cookie" in header or "*" in vary:
            self.stats["not_cacheable"] += 1
            return False
        tags = set(header.get("surrogate-key", "").split())
        tags |= {tag.strip() for tag in header.get("cache-tag", "").split(",") if tag.strip()}
        entry = Entry(self.vary_key(tuple(vary), request_headers), status, headers, body, ttl, tags)
        with self.lock:
            last_purge = max(
                [self.purged_at.get(url, 0)] + [self.purged_at.get(("tag", t), 0) for t in tags]
            )
            if last_purge > started_at_purge and not self.keep_racing:
                self.stats["refused_after_purge"] += 1
                return False
            if last_purge > started_at_purge:
                self.stats["kept_after_purge"] += 1
            now = time.monotonic()
            kept = [
                old for old in self.entries[url] if old.vary != entry.vary and old.expires > now
            ]
            self.entries[url] = [*kept, entry]
            for tag in tags:
                self.by_tag[tag].add(url)
            self.stats["stored"] += 1
        return True

    def purge_url(self, url):
        with self.lock:
            self.purge_count += 1
            self.purged_at[url] = self.purge_count
            self.purges.append([time.monotonic(), "url", url])
            removed = len(self.entries.pop(url, ()))
            self.stats["purge_url_requests"] += 1
            self.stats["purged_objects"] += removed
        return removed

    def purge_tags(self, tags):
        with self.lock:
            self.purge_count += 1
            removed = 0
            self.purges.append([time.monotonic(), "tags", sorted(tags)])
            for tag in tags:
                self.purged_at[("tag", tag)] = self.purge_count
                for url in self.by_tag.pop(tag, ()):
                    entries = self.entries.get(url, [])
                    kept = [entry for entry in entries if tag not in entry.tags]
                    removed += len(entries) - len(kept)
                    if kept:
                        self.entries[url] = kept
                    else:
                        self.entries.pop(url, None)
            self.stats["purge_tag_requests"] += 1
            self.stats["purged_tags"] += len(tags)
            self.stats["purged_objects"] += removed
        return removed


class FakeCDN(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address, origins, token, keep_racing=False):
        super().__init__(address, Handler)
        self.origins = itertools.cycle(origins)
        self.origins_lock = threading.Lock()
        self.token = token
        self.cache = Cache(keep_racing)
        self.webhooks = []

    def next_origin(self):
        with self.origins_lock:
            return next(self.origins)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeCDN

    def log_message(self, format, *args):  # quiet: the load counts what matters
        pass

    # -- what the CDN answers itself ------------------------------------------------------

    def do_PURGE(self):
        removed = self.server.cache.purge_url(self.path)
        self.answer_json(200, {"status": "ok", "purged": removed})

    def do_POST(self):
        if FASTLY_PURGE.match(self.path):
            self.read_body()
            if self.headers.get("Fastly-Key") != self.server.token:
                return self.answer_json(403, {"msg": "Provided credentials are missing or invalid"})
            keys = self.headers.get("Surrogate-Key", "").split()
            removed = self.server.cache.purge_tags(keys)
            return self.answer_json(200, {"status": "ok", "keys": keys, "purged": removed})
        if CLOUDFLARE_PURGE.match(self.path):
            body = self.read_body()
            if self.headers.get("Authorization") != f"Bearer {self.server.token}":
                return self.answer_json(403, {"success": False, "errors": [{"code": 10000}]})
            try:
                tags = json.loads(body)["tags"]
            except (ValueError, KeyError, TypeError):
                return self.answer_json(400, {"success": False, "errors": [{"code": 1012}]})
            self.server.cache.purge_tags(tags)
            return self.answer_json(200, {"success": True, "errors": [], "result": {}})
        if self.path == "/__cdn/webhook":
            body = self.read_body()
            self.server.webhooks.append((time.time(), body))
            return self.answer(204, [], b"")
        self.proxy(cacheable=False)

    def do_GET(self):
        if self.path == "/__cdn/stats":
            cache = self.server.cache
            with cache.lock:
                stats = dict(cache.stats)
                stats["objects"] = sum(len(entries) for entries in cache.entries.values())
            stats["webhooks"] = len(self.server.webhooks)
            return self.answer_json(200, stats)
        if self.path == "/__cdn/purges":
            with self.server.cache.lock:
                purges = list(self.server.cache.purges)
            return self.answer_json(200, purges)
        self.proxy(cacheable=not self.bypasses_cache())

    def do_HEAD(self):
        self.do_GET()

    def do_PUT(self):
        self.proxy(cacheable=False)

    do_PATCH = do_DELETE = do_OPTIONS = do_PUT

    # -- passing requests on --------------------------------------------------------------

    def bypasses_cache(self):
        return "Cookie" in self.headers or "Authorization" in self.headers

    def request_headers(self):
        return {name.lower(): value for name, value in self.headers.items()}

    def proxy(self, cacheable):
        cache = self.server.cache
        url = self.path
        if cacheable:
            entry = cache.lookup(url, self.request_headers())
            if entry is not None:
                with cache.lock:
                    cache.stats["hits"] += 1
                age = int(time.monotonic() - entry.stored)
                headers = [*entry.headers, ("X-CDN", "hit"), ("Age", str(age))]
                return self.answer(entry.status, headers, entry.body)
        body = self.read_body()
        started_at_purge = cache.purge_count
        origin = self.server.next_origin()
        fetched = time.monotonic()
        try:
            status, headers, content = self.fetch(origin, body)
        except (OSError, http.client.HTTPException) as exc:
            with cache.lock:
                cache.stats["upstream_errors"] += 1
            message = f"The origin {origin} did not answer: {exc!r}"
            return self.answer_json(502, {"message": message}, [("X-CDN", "error")])
        with cache.lock:
            cache.stats["misses" if cacheable else "passes"] += 1
            cache.stats[f"origin {origin}"] += 1
        fetched = f"{fetched:.4f} {time.monotonic():.4f}"
        headers = [*headers, ("X-CDN-Origin", origin), ("X-CDN-Fetched", fetched)]
        if cacheable and self.command == "GET" and status in (200, 203, 301, 404, 410):
            cache.store(url, self.request_headers(), status, headers, content, started_at_purge)
        self.answer(status, [*headers, ("X-CDN", "miss" if cacheable else "pass")], content)

    def fetch(self, origin, body):
        host, port = origin.rsplit(":", 1)
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in HOP_BY_HOP and name.lower() != "x-forwarded-proto"
        }
        forwarded = self.headers.get("X-Forwarded-For")
        client = self.client_address[0]
        headers["X-Forwarded-For"] = f"{forwarded}, {client}" if forwarded else client
        headers["X-Forwarded-Proto"] = "https"
        conn = http.client.HTTPConnection(host, int(port), timeout=UPSTREAM_TIMEOUT)
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            response = conn.getresponse()
            content = response.read()
            kept = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
            ]
            return response.status, kept, content
        finally:
            conn.close()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def answer_json(self, status, data, headers=()):
        body = json.dumps(data).encode()
        self.answer(status, [("Content-Type", "application/json"), *headers], body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--origin", action="append", required=True, help="host:port, repeatable")
    parser.add_argument("--token", default="fake-cdn-token", help="what purge requests must send")
    parser.add_argument(
        "--as-real-cdn",
        action="store_true",
        help="keep an answer whose fetch began before a purge of it, as real CDNs do",
    )
    args = parser.parse_args()
    server = FakeCDN((args.host, args.port), args.origin, args.token, args.as_real_cdn)
    print(f"fake CDN on http://{args.host}:{server.server_port} for {args.origin}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
