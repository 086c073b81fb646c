"""The whole stack under a mixed load while a medical reviewer publishes: `make load`.

Run from the project root (``make load`` runs it; ``LOAD_SECONDS`` sets the duration)::

    .venv/bin/python bench/stack_load.py [--seconds 60 --concurrency 8 --workers 2
        --publish-every 3 --postgres-url postgres://postgres@127.0.0.1:5432/cms_load
        --redis-db 8 --json figures.json]

It starts, on 127.0.0.1 only, what production runs, and stops all of it at the end, on an
error or on Ctrl-C:

- a fresh PostgreSQL database on the running server (dropped first and at the end);
- Redis databases of its own on the running server (``--redis-db`` for responses, the next
  one for the rate-limit counters; flushed first and at the end);
- moto's S3 server, with a bucket for the media (the policy docs/production.md gives);
- two gunicorn app servers with the production settings, and `make worker`'s workers (the
  cache worker that purges and re-renders, the webhook worker, the media worker that makes
  images' renditions);
- the fake CDN of bench/fake_cdn.py in front of both servers, configured as the CMS's CDN
  for purges (by surrogate key as Fastly takes them, and by URL as Varnish does);
- a mail server that keeps what it is sent (``tests/servers.py: smtp_sink``), the servers'
  ``EMAIL_HOST``: the contact form's notifications.

It loads the demo content, has the media worker make the demo images' renditions (queued by
the load, as on a deploy) and makes every answer once, then
for ``--seconds`` sends a frontend's mix through the CDN from ``--concurrency`` threads of
bench/loadgen.py's kind: article details, find by path, listings (all articles, by
condition), images (the API's, and rendition files from the bucket), the sitemap, the site
settings, a few 404s, and a contact form submission every ``--post-every`` seconds (as a
frontend server posts for its visitors). Meanwhile an article is published every
``--publish-every`` seconds through the Medical review workflow, a reviewer approving its
new revision, as ``load_demo_content`` publishes.

**Freshness.** Every answer that shows a published article (details, find, listings) is
checked against the revisions committed: an answer is *stale* when its request was sent more
than ``--fresh-within`` seconds (1 s, the promise of docs/production.md) after a newer
revision's commit returned. The slowest fresh-up seen (the longest an old title was served
after a commit) is reported too.

Each stale answer is printed with what tells its cause: its path, whether the CDN hit, the
app's ``X-Cache``, the server the CDN's copy came from and when it was fetched, and the purges
of its URL and page around the commit. ``--real-cdn`` has the fake CDN keep the answers fetched
while a purge arrived, as Fastly and Cloudflare do.

Prints req/s, p50/p99 latency, hits at the CDN and at the app (``X-CDN``, ``X-Cache``), purges
the CDN received and how long after a commit the first came, 5xx and stale answers, and exits 1
unless there were no 5xx, no stale answers and no unexpected statuses. ``--json`` writes the
figures to a file as well.
"""

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from tests import servers  # noqa: E402

HOST = "localhost"  # the public host name the CDN forwards
BUCKET = "cms-load-media"
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "load-key", "AWS_SECRET_ACCESS_KEY": "load-secret"}
CDN_TOKEN = "fake-cdn-token"
FRONTEND_SECRET = "load-frontend-server-secret-of-the-right-length-0123456789"
MISSING = ["/api/v2/pages/987654321/", "/api/v2/pages/find/?html_path=/no/such/page/"]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get("LOAD_SECONDS") or 60),
        help="how long the load runs (LOAD_SECONDS; default 60)",
    )
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    parser.add_argument("--publish-every", type=float, default=3.0, help="seconds")
    parser.add_argument("--post-every", type=float, default=2.0, help="seconds per submission")
    parser.add_argument("--fresh-within", type=float, default=1.0, help="seconds")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/cms_load",
        help="dropped and created by the script",
    )
    parser.add_argument("--redis-db", type=int, default=8, help="this one and the next")
    parser.add_argument(
        "--real-cdn",
        action="store_true",
        help="the fake CDN keeps answers fetched while a purge arrived, as real CDNs do",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.seconds <= 0 or args.concurrency < 1 or args.workers < 1:
        parser.error("need a positive duration, one thread and one worker at least")
    if not 0 <= args.redis_db < 15:
        parser.error("--redis-db takes 0 to 14 (the counters use the next one)")
    return args


def main():
    args = parse_args()
    # Ctrl-C (SIGINT) and a plain kill (SIGTERM) both unwind through the finally blocks below.
    signal.signal(signal.SIGTERM, interrupt)
    workdir = Path(tempfile.mkdtemp(prefix="cms-stack-load-"))
    redis_urls = [f"redis://127.0.0.1:6379/{db}" for db in (args.redis_db, args.redis_db + 1)]
    try:
        with contextlib.ExitStack() as stack:
            return run(args, workdir, redis_urls, stack)
    except KeyboardInterrupt:
        print("\ninterrupted: everything started has been stopped", file=sys.stderr)
        return 130
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        with contextlib.suppress(Exception):
            loadgen.recreate_database(args.postgres_url, drop_only=True)
        flush_redis(redis_urls)
        shutil.rmtree(workdir, ignore_errors=True)


def interrupt(signum, frame):
    raise KeyboardInterrupt


def flush_redis(urls):
    import redis

    for url in urls:
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()


def run(args, workdir, redis_urls, stack):
    from cryptography.fernet import Fernet

    started = time.monotonic()
    s3 = stack.enter_context(servers.moto_s3(workdir / "moto.log"))
    smtp_port, mails = stack.enter_context(servers.smtp_sink())
    servers.create_bucket(s3, BUCKET, S3_CREDENTIALS)
    loadgen.recreate_database(args.postgres_url)
    flush_redis(redis_urls)
    cdn_port = servers.free_port()
    cdn = f"http://127.0.0.1:{cdn_port}"
    env = servers.production_env(
        SECRET_KEY=os.urandom(32).hex(),
        FORM_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        DATABASE_URL=args.postgres_url,
        REDIS_URL=redis_urls[0],
        REDIS_COUNTERS_URL=redis_urls[1],
        CACHE_KEY_PREFIX="load",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(workdir / "static"),
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=s3,
        AWS_S3_REGION_NAME="us-east-1",
        **S3_CREDENTIALS,
        # The CDN: purged by surrogate key (Fastly's API) and by URL (HTTP PURGE).
        FASTLY_SERVICE_ID="load",
        FASTLY_API_TOKEN=CDN_TOKEN,
        FASTLY_API_URL=cdn,
        CDN_PURGE_URL=cdn,
        TRUSTED_PROXY_COUNT="1",
        FRONTEND_SERVER_SECRET=FRONTEND_SECRET,
        WEBHOOK_URLS=f"{cdn}/__cdn/webhook",
        WEBHOOK_SECRET="load-webhook-secret",
        WEBHOOK_ALLOW_PRIVATE_TARGETS="1",
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "prometheus"),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        DEFAULT_FROM_EMAIL="cms@clinic.example",
    )
    (workdir / "prometheus").mkdir()
    (workdir / "static").mkdir()
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo_content", "-v0"],
        # The media worker's queue, once: the demo images' renditions, made before the load.
        ["db_worker", "--backend", "media", "--batch", "--no-startup-delay", "--no-reload"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    print(f"migrated and loaded the demo content in {time.monotonic() - started:.0f}s", flush=True)

    # This process publishes, as the admin's process would: the same settings and database.
    os.environ.update(env)
    import django

    django.setup()

    # Every answer made once, here, before the servers start, so that the load starts warm.
    started = time.monotonic()
    mix = request_mix(s3)
    print(
        f"made {len(set(mix.paths))} answers in {time.monotonic() - started:.0f}s",
        flush=True,
    )

    log = workdir / "servers.log"
    a = stack.enter_context(servers.gunicorn(env, log, workers=args.workers))
    b = stack.enter_context(servers.gunicorn(env, log, workers=args.workers))
    command = [sys.executable, "bench/fake_cdn.py", "--port", str(cdn_port), "--token", CDN_TOKEN]
    command += ["--origin", f"127.0.0.1:{a}", "--origin", f"127.0.0.1:{b}"]
    command += ["--as-real-cdn"] if args.real_cdn else []
    stack.enter_context(servers.serving(command, env, workdir / "cdn.log", cdn_port))
    stack.enter_context(servers.db_worker(env, log, "cache"))
    stack.enter_context(servers.db_worker(env, log, "webhooks"))
    stack.enter_context(servers.db_worker(env, log, "media"))
    failed_run = [True]  # until the figures say otherwise: the servers' log is then shown
    stack.callback(lambda: print_log_tail(log) if failed_run[0] else None)
    print(f"started the stack; {args.seconds:g}s of load through the CDN", flush=True)
    result = drive(args, cdn_port, mix)
    result["queued_after"] = drain()
    result["cdn"] = cdn_stats(cdn_port)
    result["mails"] = len(mails)
    result["purges"] = servers.request(cdn_port, "/__cdn/purges", headers={"Host": HOST}).json()
    figures = summarise(args, result, mix)
    report(args, figures)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    failed_run[0] = bool(figures["5xx"] or figures["stale"] or figures["unexpected"])
    return 1 if failed_run[0] else 0


def print_log_tail(log):
    print("The end of the servers' log:")
    print("\n".join(Path(log).read_text().splitlines()[-30:]))


# -- what a frontend asks -------------------------------------------------------------------


def get(path):
    """The API's answer to ``path``, rendered in this process as a server would answer it."""
    from django.test import Client  # noqa: PLC0415  (once django.setup() has run, in run())

    response = Client().get(path, headers={"Host": HOST}, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"GET {path} answered {response.status_code}: {response.content[:300]}")
    return json.loads(response.content)


class Mix:
    """The load's requests: ``paths`` through the CDN (weighted by repetition), rendition
    ``files`` from the bucket, the ``contact`` form, and the ``articles`` that get published."""

    def __init__(self):
        self.paths, self.files, self.articles = [], [], []
        self.contact = None


def request_mix(s3):
    """Read the URLs from the API itself, and ask each once."""
    mix = Mix()
    articles = get("/api/v2/pages/?type=articles.ArticlePage&fields=conditions")["items"]
    if not articles:
        raise SystemExit("no articles: did load_demo_content run?")
    mix.articles = [article["id"] for article in articles]
    for article in articles:
        detail = get(f"/api/v2/pages/{article['id']}/")
        bucket = f"{s3}/{BUCKET}/images/"
        mix.files += [url for url in strings(detail) if url.startswith(bucket)][:3]
        mix.paths += [f"/api/v2/pages/{article['id']}/"] * 4
        mix.paths += [f"/api/v2/pages/find/?html_path={article['meta']['path']}"] * 2
        for condition in article["conditions"][:1]:
            mix.paths.append(
                f"/api/v2/pages/?type=articles.ArticlePage&condition={condition['slug']}"
            )
    mix.paths += ["/api/v2/pages/?type=articles.ArticlePage"] * 3
    mix.paths += ["/api/v2/sitemap/", "/api/v2/site/", "/api/v2/images/"]
    for image in get("/api/v2/images/")["items"][:5]:
        mix.paths.append(f"/api/v2/images/{image['id']}/")
    for path in sorted(set(mix.paths)):
        get(path)
    mix.paths += MISSING
    contact = get("/api/v2/pages/?type=contact.ContactPage")["items"]
    if contact:
        page = get(f"/api/v2/pages/{contact[0]['id']}/")
        mix.contact = (page["submit_path"], answers(page["fields"]))
    return mix


def strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def answers(fields):
    """A patient's answers to the contact form's fields."""
    values = {}
    for field in fields:
        kind, choices = field["type"], field.get("choices") or []
        first = (
            (choices[0]["value"] if isinstance(choices[0], dict) else choices[0]) if choices else ""
        )
        values[field["name"]] = {
            "email": "patient@example.org",
            "checkbox": True,
            "checkboxes": [first],
            "multiselect": [first],
            "dropdown": first,
            "radio": first,
            "number": "3",
            "url": "https://example.org/",
            "date": "2026-12-01",
            "datetime": "2026-12-01 10:00",
        }.get(kind, "A question from the load test about pacing.")
    return values


# -- the load -------------------------------------------------------------------------------


def drive(args, cdn_port, mix):
    """The load, the publishes and the submissions at once; what each request got."""
    stop = threading.Event()
    publisher = subprocess.Popen(
        [sys.executable, __file__, "--publisher", json.dumps([args.publish_every, mix.articles])],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    if publisher.stdout.readline().strip() != "ready":
        raise SystemExit("the publisher did not start (its error is above)")
    deadline = time.monotonic() + args.seconds
    publisher.stdin.write(f"{deadline}\n")
    publisher.stdin.close()
    # (sent, latency, status, expected, x-cdn, x-cache, shown, answered) per request
    records = []
    files, posts, errors = [], [], []
    history = {pk: [(float("-inf"), title)] for pk, title in live_titles(mix.articles).items()}

    def client(offset):
        rng = random.Random(offset)
        paths = list(mix.paths)
        rng.shuffle(paths)
        conn = http.client.HTTPConnection("127.0.0.1", cdn_port, timeout=60)
        mine = []
        turn = 0
        while not stop.is_set():
            path = paths[turn % len(paths)]
            turn += 1
            sent = time.monotonic()
            try:
                conn.request("GET", path, headers={"Host": HOST, "Accept": "application/json"})
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"GET {path}: {exc!r}")
                conn.close()
                continue
            latency = time.monotonic() - sent
            shown = shown_titles(body) if response.status == 200 and "/pages/" in path else ()
            expected = 404 if path in MISSING else 200
            mine.append(
                (
                    sent,
                    latency,
                    response.status,
                    expected,
                    response.getheader("X-CDN"),
                    response.getheader("X-Cache"),
                    shown,
                    answered(path, response),
                )
            )
        conn.close()
        records.extend(mine)

    def bucket_reader():
        while mix.files and not stop.wait(0.5):
            url = random.choice(mix.files)
            parts = urlsplit(url)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                conn.request("GET", parts.path)
                response = conn.getresponse()
                files.append((response.status, len(response.read())))
            except (OSError, http.client.HTTPException) as exc:
                errors.append(f"GET {url}: {exc!r}")
            finally:
                conn.close()

    def poster():
        number = 0
        while mix.contact and not stop.wait(args.post_every):
            number += 1
            path, values = mix.contact
            headers = {
                "Host": HOST,
                "Content-Type": "application/json",
                "X-Frontend-Secret": FRONTEND_SECRET,
                "X-Client-IP": f"198.51.100.{number % 250 + 1}",  # each visitor their own
            }
            try:
                response = servers.request(
                    cdn_port, path, "POST", json.dumps(values).encode(), headers
                )
                posts.append((response.status, response.text[:200]))
            except OSError as exc:
                errors.append(f"POST {path}: {exc!r}")

    threads = [
        threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.concurrency)
    ]
    threads += [threading.Thread(target=bucket_reader, daemon=True)]
    threads += [threading.Thread(target=poster, daemon=True)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    publishes = []
    try:
        for line in publisher.stdout:  # one per publish, once it has committed
            pk, title, before, committed = json.loads(line)
            history[pk].append((committed, title))
            publishes.append((pk, before, committed))
        if publisher.wait() != 0:
            raise SystemExit("the publisher failed (its error is above)")
        # The load goes on until the last publish has had time to show everywhere, and then
        # some: the answers after it are the ones freshness is about.
        last_commit = max((commit for revisions in history.values() for commit, _ in revisions))
        settle = max(3.0, 3 * args.fresh_within)
        time.sleep(max(0.0, deadline - time.monotonic(), last_commit + settle - time.monotonic()))
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        if publisher.poll() is None:
            publisher.terminate()
            publisher.wait()
    return {
        "wall": time.monotonic() - started,
        "records": records,
        "files": files,
        "posts": posts,
        "errors": errors,
        "history": history,
        "publishes": publishes,
    }


def publisher(every, pks):
    """The publishing side, a process of its own (``--publisher``): once set up it prints
    ``ready`` and reads the load's deadline (monotonic, one clock for the machine). From then
    on, every ``every`` seconds (or as soon as the last one is done) until the deadline, the
    next article in ``pks`` gets a new revision, approved. Prints ``[pk, title, started,
    committed]`` for each."""
    import django

    django.setup()
    print("ready", flush=True)
    deadline = float(sys.stdin.readline())
    number = 0
    while (before := time.monotonic()) < deadline:
        number += 1
        pk = pks[number % len(pks)]
        title = publish(pk, number)
        print(json.dumps([pk, title, before, time.monotonic()]), flush=True)
        time.sleep(max(0.0, before + every - time.monotonic()))
    return 0


def live_titles(pks):
    from wagtail.models import Page

    return dict(Page.objects.filter(pk__in=pks).values_list("pk", "title"))


def publish(pk, number):
    """A new revision of the article with a new title, approved in the Medical review workflow
    by the demo's reviewer; returns the title, live once this returns."""
    from articles.models import ArticlePage
    from demo.review import publish_through_review, reviewer_account

    reviewer = reviewer_account()
    page = ArticlePage.objects.get(pk=pk)
    base = page.title.split(" (load revision ")[0]
    page.title = f"{base} (load revision {number})"
    page.save_revision(user=reviewer)
    publish_through_review(page, reviewer)
    if page.title != ArticlePage.objects.get(pk=pk).title:
        raise SystemExit(f"the reviewer's approval did not publish {page.title!r}")
    return page.title


def shown_titles(body):
    """``(id, title)`` of each page an API answer shows (a detail, or a listing's items)."""
    try:
        data = json.loads(body)
    except ValueError:
        return ()
    items = data.get("items", [data]) if isinstance(data, dict) else []
    return tuple((item["id"], item["title"]) for item in items if "id" in item and "title" in item)


def answered(path, response):
    """What tells where an answer came from, for explaining an old one: the path, the CDN's
    ``Age``, the server its copy was fetched from and when (``X-CDN-Origin``,
    ``X-CDN-Fetched``, on the machine's monotonic clock), and the app's ``X-Cache``."""
    fetched = (response.getheader("X-CDN-Fetched") or "").split()
    return {
        "path": path,
        "age": response.getheader("Age"),
        "origin": response.getheader("X-CDN-Origin"),
        "fetched": [float(moment) for moment in fetched],
    }


def explain(pk, lag, commit, record, purges):
    """How an old answer was served: the CDN's copy (where, when fetched), and the purges of
    its URL or of the page's tag around the commit, each relative to the commit."""
    x_cdn, x_cache, seen = record[4], record[5], record[7]
    fetched = " to ".join(f"{moment - commit:+.2f}s" for moment in seen["fetched"])
    tag = f"page-{pk}"
    around = [
        f"{moment - commit:+.2f}s" + ("" if kind == "url" else " (tag)")
        for moment, kind, what in purges
        if moment > commit - 1 and (what == seen["path"] or (kind == "tags" and tag in what))
    ]
    return (
        f"{seen['path']} showed an old title {lag:.2f}s after a newer commit: CDN {x_cdn}"
        f" (age {seen['age'] or 0}), app {x_cache}, fetched from {seen['origin']} {fetched}"
        f" after the commit; purges since: {', '.join(around[:6]) or 'none'}"
    )


def drain(timeout=15):
    """Wait for the workers to finish what the load left them (re-renders, purges, webhook
    deliveries); how many tasks were still waiting after ``timeout`` seconds."""
    from django_tasks_db.models import DBTaskResult

    deadline = time.monotonic() + timeout
    while True:
        waiting = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
        if not waiting or time.monotonic() > deadline:
            return waiting
        time.sleep(0.2)


def cdn_stats(port):
    return servers.request(port, "/__cdn/stats", headers={"Host": HOST}).json()


# -- the figures ----------------------------------------------------------------------------


def freshness(records, history, fresh_within, purges=None):
    """How many answers were stale; examples; the longest an old title was served after a
    commit; how many answers were checked, and how many of them were sent after a publish.

    With the CDN's ``purges``, each example says how the old answer was served (:func:`explain`).
    """
    stale, examples, slowest, checked, after = 0, [], 0.0, 0, 0
    for record in records:
        sent, shown = record[0], record[6]
        for pk, title in shown:
            revisions = history.get(pk)
            if revisions is None:
                continue
            checked += 1
            after += any(commit < sent for commit, _ in revisions[1:])
            titles = [t for _, t in revisions]
            if title not in titles:
                stale += 1
                examples.append(f"page {pk} showed {title!r}, never published")
                continue
            shown_at = titles.index(title)
            newer = [commit for commit, _ in revisions[shown_at + 1 :] if commit < sent]
            if newer:
                lag = sent - newer[0]
                slowest = max(slowest, lag)
                if lag > fresh_within:
                    stale += 1
                    if purges is None:
                        examples.append(
                            f"page {pk} showed {title!r} {lag:.2f}s after a newer commit"
                        )
                    else:
                        examples.append(explain(pk, lag, newer[0], record, purges))
    return stale, examples, slowest, checked, after


def purge_lags(publishes, purges):
    """For each publish, seconds from ``publish()`` returning (the commit the freshness check
    counts from) to the CDN's first purge of the page's tag since the publish began: negative
    when the purge came before ``publish()`` had returned, on a busy machine."""
    lags = []
    for pk, started, committed in publishes:
        tag = f"page-{pk}"
        after = [moment for moment, kind, what in purges if kind == "tags" and tag in what]
        after = [moment for moment in after if moment > started]
        if after:
            lags.append(min(after) - committed)
    return sorted(lags)


def summarise(args, result, mix):
    records = result["records"]
    latencies = sorted(record[1] for record in records)
    through_cdn = [record for record in records if record[4] in ("hit", "miss")]
    cdn_hits = sum(record[4] == "hit" for record in through_cdn)
    # The app's own hits, of the CDN's misses that could be hits (not the 404s, uncacheable).
    at_app = [record for record in through_cdn if record[4] == "miss" and record[2] == 200]
    app_hits = sum(record[5] == "hit" for record in at_app)
    unexpected = [
        f"{record[2]} (expected {record[3]})" for record in records if record[2] != record[3]
    ]
    posts_created = sum(status == 201 for status, _ in result["posts"])
    unexpected += [f"contact POST {s}: {t}" for s, t in result["posts"] if s != 201]
    unexpected += [f"bucket GET {status}" for status, _ in result["files"] if status != 200]
    unexpected += result["errors"]
    fives = sum(record[2] >= 500 for record in records)
    fives += sum(status >= 500 for status, _ in result["posts"] + result["files"])
    stale, examples, slowest, checked, after = freshness(
        records, result["history"], args.fresh_within, result["purges"]
    )
    cdn = result["cdn"]
    publishes = sorted(committed - started for _, started, committed in result["publishes"])
    lags = purge_lags(result["publishes"], result["purges"])
    return {
        "seconds": args.seconds,
        "concurrency": args.concurrency,
        "workers_per_server": args.workers,
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "python": platform.python_version(),
        "requests": len(records),
        "rps": len(records) / result["wall"],
        "p50_ms": loadgen.percentile(latencies, 0.50),
        "p99_ms": loadgen.percentile(latencies, 0.99),
        "max_ms": latencies[-1] * 1000 if latencies else None,
        "cdn_hits": cdn_hits,
        "cdn_misses": len(at_app),
        "cdn_hit_ratio": cdn_hits / max(1, len(through_cdn)),
        "app_hits": app_hits,
        "app_hit_ratio": app_hits / max(1, len(at_app)),
        "bucket_files": len(result["files"]),
        "contact_posts": len(result["posts"]),
        "contact_created": posts_created,
        "mails": result["mails"],
        "publishes": len(publishes),
        "publish_s_p50": publishes[len(publishes) // 2] if publishes else None,
        "purge_lag_s_p50": lags[len(lags) // 2] if lags else None,
        "purge_lag_s_max": lags[-1] if lags else None,
        "answers_checked": checked,
        "answers_after_a_publish": after,
        "stale": stale,
        "stale_examples": examples[:20],
        "slowest_fresh_s": slowest,
        "fresh_within_s": args.fresh_within,
        "5xx": fives,
        "unexpected": len(unexpected),
        "unexpected_examples": unexpected[:10],
        "purge_tag_requests": cdn.get("purge_tag_requests", 0),
        "purge_url_requests": cdn.get("purge_url_requests", 0),
        "purged_objects": cdn.get("purged_objects", 0),
        "refused_after_purge": cdn.get("refused_after_purge", 0),
        "kept_after_purge": cdn.get("kept_after_purge", 0),
        "webhooks": cdn.get("webhooks", 0),
        "tasks_left": result["queued_after"],
    }


def report(args, f):
    print()
    print(
        f"two gunicorn servers (-w {f['workers_per_server']}, sync) behind the fake CDN, both "
        f"workers, PostgreSQL, Redis, moto S3; {f['concurrency']} client threads for "
        f"{f['seconds']:g}s, a publish every {args.publish_every:g}s; {f['cpus']} CPUs "
        f"(load average {f['load_average']:.1f} at the end), Python {f['python']}"
    )
    rows = [
        ("requests through the CDN", f"{f['requests']}"),
        ("req/s", f"{f['rps']:.1f}"),
        (
            "latency p50 / p99 / max ms",
            f"{f['p50_ms']:.1f} / {f['p99_ms']:.1f} / {f['max_ms']:.0f}",
        ),
        ("hits at the CDN", f"{f['cdn_hits']} ({100 * f['cdn_hit_ratio']:.1f}%)"),
        (
            "hits at the app (of CDN misses, 200s)",
            f"{f['app_hits']} of {f['cdn_misses']} ({100 * f['app_hit_ratio']:.1f}%)",
        ),
        ("rendition files from the bucket", f"{f['bucket_files']}"),
        ("contact submissions (201)", f"{f['contact_posts']} ({f['contact_created']})"),
        ("notifications at the mail server", f"{f['mails']}"),
        ("publishes (p50 seconds each)", f"{f['publishes']} ({f['publish_s_p50'] or 0:.2f})"),
        (
            "purges at the CDN: by key / by URL",
            f"{f['purge_tag_requests']} / "
            f"{f['purge_url_requests']} ({f['purged_objects']} objects)",
        ),
        (
            "commit to the CDN's purge: p50 / max",
            f"{f['purge_lag_s_p50'] or 0:.2f}s / {f['purge_lag_s_max'] or 0:.2f}s",
        ),
        (
            "answers fetched during a purge: not kept / kept",
            f"{f['refused_after_purge']} / {f['kept_after_purge']}",
        ),
        ("webhooks delivered", f"{f['webhooks']}"),
        ("worker tasks left after 15 s", f"{f['tasks_left']}"),
        (
            "answers checked for freshness",
            f"{f['answers_checked']} ({f['answers_after_a_publish']} sent after a publish)",
        ),
        ("longest an old title was served", f"{f['slowest_fresh_s']:.2f}s after the commit"),
        ("5xx", f"{f['5xx']}   goal 0"),
        (f"stale (> {f['fresh_within_s']:g}s after a commit)", f"{f['stale']}   goal 0"),
        ("other unexpected answers or errors", f"{f['unexpected']}"),
    ]
    for label, value in rows:
        print(f"  {label:<42} {value}")
    for example in f["stale_examples"] + f["unexpected_examples"]:
        print(f"    {example}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--publisher"]:
        sys.exit(publisher(*json.loads(sys.argv[2])))
    sys.exit(main())
