"""Requests per second and latency of the pages API, against stock Wagtail and served bytes.

Run from the project root::

    .venv/bin/python bench/api_bench.py [--articles 60 --measured 60 --blocks 200 --duration 15
        --runs 3 --client wrk|python --concurrency 8 --wrk-threads 1 --db sqlite|postgres
        --postgres-url postgres://postgres@127.0.0.1:5432/cms_bench
        --redis redis://127.0.0.1:6379/15|none]

In a throwaway database (a temporary SQLite file, or the one ``--postgres-url`` names on the
local PostgreSQL, ``cms_bench`` by default, dropped and created here) and a temporary media directory, it builds articles with long
bodies, serves them with gunicorn (``bench.wsgi``) and measures, for an article's detail and
the article listing:

1. this API with its response cache off (``API_RESPONSE_CACHE=0``),
2. this API served from its response cache,
3. stock Wagtail API v2 on the same pages (``bench.views.StockPagesAPIViewSet``),
4. a view returning the bytes this API answered, prerendered (``bench.views.prerendered``).

Stock Wagtail and the uncached API are asked for identity bytes. The cached API and the
prerendered view are asked as a browser asks (``Accept-Encoding: gzip, deflate, br``) and
both answer brotli: the cache its stored bodies, the prerendered view the very bytes and
headers the cache answered, written to files beforehand. The sizes of one article's detail
and of the listing in identity, gzip and brotli are printed too.

The cache is Redis (its database is flushed first) unless ``--redis none`` asks for Django's
per-process LocMem cache.

The load comes from ``wrk`` on the same machine (``--client wrk``, the default), driven by
``bench/wrk_rotate.lua``: it takes the measured paths in turn, sends the scenario's headers,
counts answers that are not 2xx (a scenario with any is reported as failed, not as fast) and
``X-Cache: hit`` answers, and prints its figures as JSON. ``-t1 -c8`` by default: one wrk
thread (one epoll loop in C answers tens of thousands of requests a second on a core, far
above what two sync gunicorn workers serve, so a second thread would only take CPU from the
server on two vCPUs), and 8 connections so each sync worker always finds requests waiting
without adding more queueing than that. ``--client python`` uses threads in this process
instead (``bench/loadgen.py``), as before wrk; they saturate near 1,800 requests a second on
two vCPUs, so the cached and prerendered figures were then the client's ceiling. wrk takes
whole seconds, so each slice is ``--duration / --rounds`` rounded (5 s by default). It stops
at its deadline without waiting for the answers under way; the bench then waits until the
server has finished them (``loadgen.drain``) before the next slice, so none weighs on another
scenario's figures, but their work is lost to the slice that asked: at most one request per
gunicorn worker, about 1% of a 5 s slice of stock Wagtail's 200-block detail (6 req/s per
worker), which flatters ours against it by as much. Longer slices make that smaller.

``--runs 3`` measures everything three times on the same content (servers started afresh,
the cache flushed, for each run) and prints each run's table, then the ratios of all runs
and whether each goal was met in every one, as markdown tables to paste into
docs/performance.md.
"""

import argparse
import http.client
import io
import json
import os
import platform
import random
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import brotli

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from tests import servers  # noqa: E402

LISTING = "/api/v2/pages/?type=articles.ArticlePage&limit=50"
DETAIL = "/api/v2/pages/{}/"
STOCK_DETAIL = "/stock-api/v2/pages/{}/?fields=-parent"  # ours leaves the parent out too
PRERENDERED = "/bench/prerendered/{}/"
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
"""What a browser (or Node's fetch) says it accepts; both sides of the cached comparison get it."""
COMPRESSED_SCENARIOS = ("ours, cached", "prerendered bytes")

WORDS = (
    "pain nerve signal relief dose clinic patient treatment daily movement sleep "
    "inflammation chronic acute evidence trial therapy review symptom function receptor "
    "infusion session week month careful gentle response baseline follow-up measure "
    "physician plan goal tolerance effect benefit risk exercise routine"
).split()
BLOCK_CYCLE = (
    "heading",
    "paragraph",
    "paragraph",
    "image",
    "paragraph",
    "call_to_action",
    "accordion",
    "paragraph",
    "callout",
    "paragraph",
)
"""Ten blocks; 200 blocks are 20 each of headings, images, calls to action, accordions and
callouts, and 100 paragraphs."""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument(
        "--measured",
        type=int,
        default=60,
        help="articles whose details are asked for (evenly spread over --articles)",
    )
    parser.add_argument("--blocks", type=int, default=200, help="body blocks per article")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved slices per measurement")
    parser.add_argument("--runs", type=int, default=1, help="times the whole measurement is made")
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="wrk's connections, or the Python client's threads",
    )
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/cms_bench",
        help="dropped and created by the bench",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/15",
        help="cache URL, flushed first; 'none' for per-process LocMem",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if (
        args.articles < 2
        or args.blocks < 1
        or args.duration <= 0
        or args.concurrency < 1
        or args.rounds < 1
        or args.measured < 1
        or args.runs < 1
        or args.wrk_threads < 1
    ):
        parser.error("need at least 2 articles, 1 block, a positive duration and 1 thread")
    return args


# Throwaway database and cache


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


# Content


class Text:
    """Filler prose in our own words, with links to other articles."""

    def __init__(self, rng, article_ids):
        self.rng = rng
        self.article_ids = article_ids

    def words(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def sentence(self):
        return self.words(8, 16).capitalize() + "."

    def link(self, exclude):
        target = self.rng.choice([pk for pk in self.article_ids if pk != exclude])
        return f'<a linktype="page" id="{target}">{self.words(2, 4)}</a>'

    def paragraph(self, exclude, links=2):
        parts = [self.sentence() for _ in range(4)]
        for _ in range(links):
            parts.insert(self.rng.randrange(len(parts)), self.link(exclude))
        parts.insert(self.rng.randrange(len(parts)), f"<b>{self.words(2, 3)}</b>")
        return "<p>" + " ".join(parts) + "</p>"


def body_data(text, article_id, blocks, image_ids):
    rng = text.rng
    others = [pk for pk in text.article_ids if pk != article_id]
    data = []
    for index in range(blocks):
        kind = BLOCK_CYCLE[index % len(BLOCK_CYCLE)]
        if kind == "heading":
            value = {"text": text.words(3, 6).capitalize(), "level": rng.choice(["h2", "h3"])}
        elif kind == "paragraph":
            value = text.paragraph(article_id)
        elif kind == "image":
            value = {
                "image": rng.choice(image_ids),
                "alt_text": text.words(4, 8),
                "decorative": False,
                "caption": text.sentence(),
                "credit": "Bench studio",
            }
        elif kind == "call_to_action":
            value = {"label": text.words(2, 4).capitalize(), "page": rng.choice(others), "url": ""}
        elif kind == "accordion":
            value = {
                "title": text.words(2, 5).capitalize(),
                "items": [
                    {
                        "type": "item",
                        "id": f"{article_id}-{index}-{item}",
                        "value": {"title": text.sentence(), "body": text.paragraph(article_id, 1)},
                    }
                    for item in range(3)
                ],
                "open_first": False,
            }
        else:
            value = {
                "variant": rng.choice(["info", "tip", "warning"]),
                "text": text.paragraph(article_id, 1),
            }
        data.append({"type": kind, "value": value, "id": f"{article_id}-{index}"})
    return data


def make_image(number):
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from wagtail.images import get_image_model

    colour = [(40 + 50 * number) % 256, (120 + 70 * number) % 256, (200 + 30 * number) % 256]
    picture = PILImage.new("RGB", (1200, 675), tuple(colour))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((200 + 60 * number, 120, 700 + 60 * number, 560), fill=(250, 245, 235))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    image = get_image_model()(
        title=f"Bench image {number}", file=ImageFile(buffer, name=f"bench-{number}.jpg")
    )
    image._set_image_file_metadata()
    image.save()
    return image


def build_content(articles, blocks, seed):
    """A home page as the default site's root, an articles index and published articles."""
    from django.db import transaction
    from wagtail.models import Page, Site

    from articles.models import ArticleIndexPage, ArticlePage, Clinician, Condition, Treatment
    from home.models import HomePage

    rng = random.Random(seed)
    with transaction.atomic():
        images = [make_image(number) for number in range(1, 5)]
        clinicians = [
            Clinician.objects.create(
                name=f"Dr Bench {number}",
                credentials="MD",
                specialty="Pain medicine",
                photo=images[number % len(images)],
                bio="Treats long-standing pain and writes for patients.",
            )
            for number in range(1, 5)
        ]
        conditions = [
            Condition.objects.create(
                name=f"Condition {number}", slug=f"condition-{number}", description="A condition."
            )
            for number in range(1, 6)
        ]
        treatments = [
            Treatment.objects.create(
                name=f"Treatment {number}",
                slug=f"treatment-{number}",
                regulatory_note="Off-label for chronic pain." if number == 1 else "",
            )
            for number in range(1, 4)
        ]

        root = Page.get_first_root_node()
        site = Site.objects.get(is_default_site=True)
        welcome = site.root_page
        home = HomePage(title="Home", slug="bench-home", hero_title="Pain clinic")
        root.add_child(instance=home)
        home.save_revision().publish()
        site.root_page = home
        site.save()
        welcome.delete()

        index = ArticleIndexPage(title="Articles", slug="articles", intro="<p>All articles.</p>")
        home.add_child(instance=index)
        index.save_revision().publish()

        # Created first and published once every id exists, so bodies can link to any article.
        pages = []
        for number in range(1, articles + 1):
            page = ArticlePage(
                title=f"Article {number}",
                slug=f"article-{number}",
                summary="What the article covers, in a sentence or two.",
                hero_image=images[number % len(images)],
                hero_image_alt="A calm illustration",
                author=clinicians[number % len(clinicians)],
                reviewer=clinicians[(number + 1) % len(clinicians)],
                last_reviewed=date.today() - timedelta(days=number),
                live=False,
            )
            index.add_child(instance=page)
            pages.append(page)
        text = Text(rng, [page.pk for page in pages])
        image_ids = [image.pk for image in images]
        for number, page in enumerate(pages):
            page.body = body_data(text, page.pk, blocks, image_ids)
            page.conditions = rng.sample(conditions, 2)
            page.treatments = [treatments[number % len(treatments)]]
            page.save_revision().publish()
    return [page.pk for page in pages]


# Measuring


def one_request_costs(article_ids, prerendered_dir):
    """Per scenario, the SQL queries and the bytes of one request, rendered in this process.

    Also renders every article once, which generates the image renditions before any timing.
    """
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    client = Client()
    sample = article_ids[len(article_ids) // 2]

    def get(url, expect_hit=None):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}: {response.content[:300]}")
        if expect_hit is not None and (response.get("X-Cache") == "hit") != expect_hit:
            raise SystemExit(f"GET {url}: expected X-Cache {'hit' if expect_hit else 'not hit'}")
        return len(queries), response.content

    costs = {}
    with override_settings(HEADLESS_CACHE={**settings.HEADLESS_CACHE, "ENABLED": False}):
        for pk in article_ids:
            _, content = get(DETAIL.format(pk))
            (prerendered_dir / f"detail-{pk}.json").write_bytes(content)
        _, content = get(LISTING)
        (prerendered_dir / "listing.json").write_bytes(content)
        costs["ours, uncached"] = (get(DETAIL.format(sample)), get(LISTING))
    get(DETAIL.format(sample), expect_hit=False)
    get(LISTING, expect_hit=False)
    costs["ours, cached"] = (get(DETAIL.format(sample), True), get(LISTING, True))
    get(STOCK_DETAIL.format(sample))
    costs["stock Wagtail"] = (get(STOCK_DETAIL.format(sample)), get(stock_listing()))
    costs["prerendered bytes"] = (
        get(PRERENDERED.format(f"detail-{sample}")),
        get(PRERENDERED.format("listing")),
    )
    for name, ((detail_queries, _), (listing_queries, _)) in costs.items():
        print(f"  {name:<18} detail {detail_queries:>4} queries, listing {listing_queries:>4}")
    return costs


def stock_listing():
    """The stock listing asked for the fields ours lists by default (stock lists none)."""
    from articles.models import ArticlePage
    from bench.views import StockPagesAPIViewSet

    stock_fields = {field.name for field in StockPagesAPIViewSet.get_body_fields(ArticlePage)}
    fields = ",".join(name for name in ArticlePage.api_listing_fields if name in stock_fields)
    return f"/stock-api/v2/pages/?type=articles.ArticlePage&limit=50&fields={fields}"


def gunicorn(workers, log_path, **env):
    """A gunicorn serving ``bench.wsgi`` on a free local port, stopped on exit."""
    return servers.gunicorn({**os.environ, **env}, log_path, workers=workers, app="bench.wsgi")


def fetch(port, path, headers=None):
    """The body of a 200 answer to ``GET path``; with ``headers``, ``(body, headers)``."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]}")
        return body if headers is None else (body, dict(response.getheaders()))
    finally:
        conn.close()


def record_brotli_answers(port, paths_and_names, prerendered_dir):
    """Write what the cache answers a browser for each path, for the prerendered view to replay.

    Returns whether every answer was brotli and decodes to the identity bytes prerendered.
    """
    from bench.views import REPLAYED_HEADERS

    consistent = True
    for path, name in paths_and_names:
        body, headers = fetch(port, path, BROWSER)
        identity = (prerendered_dir / f"{name}.json").read_bytes()
        consistent &= headers.get("Content-Encoding") == "br"
        consistent &= headers.get("X-Cache") == "hit" and brotli.decompress(body) == identity
        (prerendered_dir / f"{name}.br").write_bytes(body)
        replayed = {key: value for key, value in headers.items() if key in REPLAYED_HEADERS}
        (prerendered_dir / f"{name}.headers.json").write_text(json.dumps(replayed))
    return consistent


def encoded_sizes(port, path):
    """``(identity, gzip, br)`` byte counts of what the server answers for ``path``."""
    sizes = []
    for coding in ("identity", "gzip", "br"):
        body, headers = fetch(port, path, {"Accept-Encoding": coding})
        if headers.get("Content-Encoding", "identity") != coding:
            raise SystemExit(f"GET {path} with Accept-Encoding {coding} was not {coding}")
        sizes.append(len(body))
    return tuple(sizes)


def load(port, paths, duration, args, headers=None):
    """One slice of load from the client ``--client`` names, as ``summarise`` reads it."""
    if args.client == "python":
        part = loadgen.load(port, paths, duration, args.concurrency, headers)
        part["requests"] = len(part["latencies"])
        part["weighted"] = [(latency, 1) for latency in part.pop("latencies")]
        return part
    part = loadgen.wrk_load(
        port, paths, duration, args.concurrency, args.wrk_threads, headers, args.workdir
    )
    loadgen.drain(port, args.concurrency + args.workers)
    return part


def summarise(slices):
    latencies = sorted(pair for part in slices for pair in part["weighted"])
    requests = sum(part["requests"] for part in slices)
    return {
        "requests": requests,
        "rps": requests / sum(part["wall"] for part in slices),
        "p50": loadgen.weighted_percentile(latencies, 0.50),
        "p99": loadgen.weighted_percentile(latencies, 0.99),
        "failures": sum(len(part["failures"]) for part in slices),
        "hits": sum(part["hits"] for part in slices),
    }


def measure(port, scenarios, args, headers=None):
    """Measure scenarios served by one server, in interleaved slices.

    ``scenarios`` maps a name to its ``{"detail": paths, "listing": paths}``. Each measurement
    is cut into ``--rounds`` slices taken in turn with the other scenario's, so that whatever
    else the machine is doing weighs on both alike.
    """
    warmup = min(1.0, args.duration / 5)
    for paths in scenarios.values():
        for endpoint in ("detail", "listing"):
            load(port, paths[endpoint], warmup, args, headers)
    slices = {name: {"detail": [], "listing": []} for name in scenarios}
    for round_number in range(args.rounds):
        names = list(scenarios) if round_number % 2 == 0 else list(reversed(scenarios))
        for endpoint in ("detail", "listing"):
            for name in names:
                part = load(
                    port, scenarios[name][endpoint], args.duration / args.rounds, args, headers
                )
                slices[name][endpoint].append(part)
    numbers = {}
    for name in scenarios:
        numbers[name] = {endpoint: summarise(parts) for endpoint, parts in slices[name].items()}
        for endpoint, result in numbers[name].items():
            print(
                f"  {name:<18} {endpoint:<8} {result['rps']:8.1f} req/s  "
                f"p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
                f"failures {result['failures']}",
                flush=True,
            )
    return numbers


def detail_goal(blocks):
    """Issue 17's goal for uncached detail against stock: 3x at 20 blocks, 12x at 200, scaled
    between."""
    return 3 if blocks <= 20 else 12 if blocks >= 200 else 3 + (blocks - 20) / 20


def report(run_number, results, costs, sizes, args, cache_label, database_label, checks, loads):
    """Print one run's figures and ratios as markdown; return its ratios and goals met."""
    client = (
        f"wrk -t{args.wrk_threads} -c{args.concurrency}"
        if args.client == "wrk"
        else f"{args.concurrency} Python client threads"
    )
    print()
    print(
        f"**Run {run_number} of {args.runs}**: {args.articles} articles x {args.blocks} blocks "
        f"({len(args.measured_ids)} measured), {database_label}, cache {cache_label}, "
        f"gunicorn -w {args.workers} (sync), {client} on the same machine, "
        f"{args.duration:g}s per measurement in {args.rounds} interleaved slices, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, 1-minute load average "
        f"{loads[0]:.1f} before measuring and {loads[1]:.1f} after"
    )
    print()
    print(
        "| scenario | endpoint | req/s | p50 ms | p99 ms | answers | failed | queries "
        "| bytes | encoding |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for scenario, numbers in results.items():
        compressed = scenario in COMPRESSED_SCENARIOS
        for index, endpoint in enumerate(("detail", "listing")):
            result = numbers[endpoint]
            queries, _ = costs[scenario][index]
            if scenario == "stock Wagtail":
                served = sizes[endpoint]["stock"]
            else:
                served = sizes[endpoint]["ours"][2 if compressed else 0]
            failed = f"**{result['failures']}**" if result["failures"] else "0"
            print(
                f"| {scenario} | {endpoint} | {result['rps']:.1f} | {result['p50']:.1f} "
                f"| {result['p99']:.1f} | {result['requests']} | {failed} | {queries} "
                f"| {served} | {'br' if compressed else 'identity'} |"
            )
    print()

    def ratio(a, b, endpoint):
        return results[a][endpoint]["rps"] / results[b][endpoint]["rps"]

    def clean(*scenarios):
        return not any(results[name][e]["failures"] for name in scenarios for e in results[name])

    cached = results["ours, cached"]
    all_hits = all(cached[e]["hits"] == cached[e]["requests"] for e in cached)
    uncached_clean = clean("ours, uncached", "stock Wagtail")
    cached_clean = clean("ours, cached", "prerendered bytes") and all_hits
    goal = detail_goal(args.blocks)
    ratios = [
        (
            "ours uncached / stock, detail",
            ratio("ours, uncached", "stock Wagtail", "detail"),
            goal,
            uncached_clean,
        ),
        (
            "ours uncached / stock, listing",
            ratio("ours, uncached", "stock Wagtail", "listing"),
            3,
            uncached_clean,
        ),
        (
            "ours cached / prerendered bytes, detail (both br)",
            ratio("ours, cached", "prerendered bytes", "detail"),
            0.95,
            cached_clean,
        ),
        (
            "ours cached / prerendered bytes, listing (both br)",
            ratio("ours, cached", "prerendered bytes", "listing"),
            0.95,
            cached_clean,
        ),
    ]
    print("| ratio of req/s | value | goal |")
    print("|---|---:|---|")
    for name, value, minimum, valid in ratios:
        print(f"| {name} | {value:.2f} | {goal_text(value, minimum, valid)} |")
    print()
    hits = cached["detail"]["hits"] + cached["listing"]["hits"]
    served = cached["detail"]["requests"] + cached["listing"]["requests"]
    print(f"cached scenario: {hits} of {served} answers were X-Cache: hit")
    for endpoint in ("detail", "listing"):
        identity, gzip, br = sizes[endpoint]["ours"]
        print(
            f"{endpoint} bytes, ours: identity {identity}, gzip {gzip}, br {br}; "
            f"stock Wagtail (identity) {sizes[endpoint]['stock']}"
        )
    print(f"prerendered bytes identical to what gunicorn served: {checks['identity']}")
    print(f"prerendered brotli bytes what the cache answered, decoding to them: {checks['br']}")
    return ratios


def goal_text(value, minimum, valid):
    if not valid:
        return f"≥ {minimum:g}: **NOT met** (failed answers or cache misses)"
    return f"≥ {minimum:g}: {'met' if value >= minimum else '**NOT met**'}"


def report_runs(all_ratios, args):
    """The ratios of every run side by side, and whether each goal was met in all of them."""
    print()
    runs = f"{args.runs} runs" if args.runs > 1 else "1 run"
    print(f"**Ratios of {runs}**, {args.articles} articles x {args.blocks} blocks:")
    print()
    columns = " | ".join(f"run {number}" for number in range(1, len(all_ratios) + 1))
    print(f"| ratio of req/s | {columns} | goal |")
    print(f"|---|{'---:|' * len(all_ratios)}---|")
    for index, (name, _, minimum, _) in enumerate(all_ratios[0]):
        values = [ratios[index] for ratios in all_ratios]
        met = all(valid and value >= minimum for _, value, _, valid in values)
        cells = " | ".join(f"{value:.2f}" for _, value, _, _ in values)
        print(
            f"| {name} | {cells} | ≥ {minimum:g}: "
            f"{'met in every run' if met else '**NOT met in every run**'} |"
        )


def main():
    args = parse_args()
    return with_throwaway_services(args, "bench", run)


def with_throwaway_services(args, prefix, run):
    """Call ``run(args, workdir, prerendered_dir, redis_url, cache_label, database_label)`` in
    a throwaway database (SQLite file or ``args.postgres_url``), media folder and Redis
    database (``args.redis``, or ``none``), all removed afterwards."""
    workdir = Path(tempfile.mkdtemp(prefix=f"cms-{prefix}-"))
    prerendered_dir = workdir / "prerendered"
    prerendered_dir.mkdir()
    if args.db == "postgres":
        database_url = args.postgres_url
        database_label = f"PostgreSQL ({urlsplit(database_url).path.lstrip('/')})"
    else:
        database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
        database_label = "SQLite"
    redis_url = "" if args.redis == "none" else args.redis
    cache_label = f"Redis {redis_url}" if redis_url else "LocMem (per process)"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(workdir / "media"),
        BENCH_PRERENDERED_DIR=str(prerendered_dir),
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=prefix,
        API_RESPONSE_CACHE="1",
    )
    try:
        if args.db == "postgres":
            loadgen.recreate_database(database_url)
        if redis_url:
            flush_redis(redis_url)
        return run(args, workdir, prerendered_dir, redis_url, cache_label, database_label)
    finally:
        from django.db import connections

        connections.close_all()
        if args.db == "postgres":
            loadgen.recreate_database(database_url, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)


def set_up(args):
    """Django set up on the throwaway database, migrated, with ``args.articles`` articles of
    ``args.blocks`` blocks built; returns their ids."""
    import django
    from django.core.management import call_command

    django.setup()
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    print(f"migrated in {time.monotonic() - started:.0f}s", flush=True)
    started = time.monotonic()
    built = build_content(args.articles, args.blocks, args.seed)
    print(f"built {len(built)} articles in {time.monotonic() - started:.0f}s", flush=True)
    return built


def run(args, workdir, prerendered_dir, redis_url, cache_label, database_label):
    built = set_up(args)
    from django.db import connections

    # A library of 2,000 is measured on 60 of them, so the warm-up stays short.
    article_ids = built[:: max(1, len(built) // args.measured)][: args.measured]
    args.measured_ids = article_ids

    started = time.monotonic()
    print("one request each, rendered in this process (renditions are generated here):")
    costs = one_request_costs(article_ids, prerendered_dir)
    print(f"  done in {time.monotonic() - started:.0f}s", flush=True)
    sample = article_ids[len(article_ids) // 2]  # the article one_request_costs measured
    connections.close_all()
    args.workdir = workdir
    all_ratios, failures = [], 0
    for run_number in range(1, args.runs + 1):
        if redis_url:
            flush_redis(redis_url)
        ratios, failed = measure_run(
            run_number, args, costs, sample, prerendered_dir, cache_label, database_label
        )
        all_ratios.append(ratios)
        failures += failed
    report_runs(all_ratios, args)
    if failures:
        print(f"{failures} requests failed; the end of the gunicorn log:")
        print("\n".join((workdir / "gunicorn.log").read_text().splitlines()[-40:]))
        return 1
    return 0


def measure_run(run_number, args, costs, sample, prerendered_dir, cache_label, database_label):
    """Serve and measure every scenario once; print the run's report. Returns its ratios and
    the count of failed requests."""
    article_ids = args.measured_ids
    sizes = {
        "detail": {"stock": len(costs["stock Wagtail"][0][1])},
        "listing": {"stock": len(costs["stock Wagtail"][1][1])},
    }
    details = [DETAIL.format(pk) for pk in article_ids]
    results = {}
    log_path = args.workdir / "gunicorn.log"
    loads = [os.getloadavg()[0]]
    print(f"measuring (run {run_number} of {args.runs}):", flush=True)
    with gunicorn(args.workers, log_path, API_RESPONSE_CACHE="0") as port:
        # What the server answers is what the prerendered view will serve.
        identical = True
        for path, name in [
            *((DETAIL.format(pk), f"detail-{pk}") for pk in article_ids),
            (LISTING, "listing"),
        ]:
            body = fetch(port, path)
            prerendered = prerendered_dir / f"{name}.json"
            identical &= body == prerendered.read_bytes()
            prerendered.write_bytes(body)
        scenarios = {
            "ours, uncached": {"detail": details, "listing": [LISTING]},
            "stock Wagtail": {
                "detail": [STOCK_DETAIL.format(pk) for pk in article_ids],
                "listing": [stock_listing()],
            },
        }
        results.update(measure(port, scenarios, args))
    with gunicorn(args.workers, log_path, API_RESPONSE_CACHE="1") as port:
        for path in [*details, LISTING]:
            fetch(port, path)  # fills the response cache
        sizes["detail"]["ours"] = encoded_sizes(port, DETAIL.format(sample))
        sizes["listing"]["ours"] = encoded_sizes(port, LISTING)
        checks = {
            "identity": identical,
            "br": record_brotli_answers(
                port,
                [
                    *((DETAIL.format(pk), f"detail-{pk}") for pk in article_ids),
                    (LISTING, "listing"),
                ],
                prerendered_dir,
            ),
        }
        scenarios = {
            "ours, cached": {"detail": details, "listing": [LISTING]},
            "prerendered bytes": {
                "detail": [PRERENDERED.format(f"detail-{pk}") for pk in article_ids],
                "listing": [PRERENDERED.format("listing")],
            },
        }
        results.update(measure(port, scenarios, args, headers=BROWSER))
    loads.append(os.getloadavg()[0])
    results = {name: results[name] for name in costs}
    ratios = report(
        run_number, results, costs, sizes, args, cache_label, database_label, checks, loads
    )
    return ratios, sum(numbers[e]["failures"] for numbers in results.values() for e in numbers)


if __name__ == "__main__":
    sys.exit(main())
