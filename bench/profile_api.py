"""Where an uncached answer of the pages API spends its time, rendered in this process.

Run from the project root::

    .venv/bin/python bench/profile_api.py [--articles 60 --blocks 20 --requests 50
        --endpoint detail|listing --db sqlite|postgres --top 40]

Builds articles as ``bench/api_bench.py`` does, in a throwaway database, renders each answer
once (renditions are generated then), and times ``--requests`` uncached answers of ours and of
stock Wagtail through Django's test client, side by side; then profiles ours with cProfile
and prints the functions that took the most time, by their own time and with their callees.
"""

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import api_bench  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--endpoint", choices=["detail", "listing"], default="detail")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432/cms_profile")
    parser.add_argument("--redis", default="none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="interleaved timing rounds of ours and stock; the best of each is printed",
    )
    parser.add_argument("--save", help="also write the profile here, for pstats")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument(
        "--cached",
        action="store_true",
        help="profile cache hits (asked for brotli) beside the prerendered bytes instead",
    )
    return parser.parse_args()


def run(args, workdir, prerendered_dir, redis_url, cache_label, database_label):
    article_ids = api_bench.set_up(args)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    if args.endpoint == "detail":
        ours = [api_bench.DETAIL.format(pk) for pk in article_ids]
        stock = [api_bench.STOCK_DETAIL.format(pk) for pk in article_ids]
    else:
        ours, stock = [api_bench.LISTING], [api_bench.stock_listing()]
    client = Client()

    def get_all(paths, count, **headers):
        for number in range(count):
            response = client.get(paths[number % len(paths)], **headers)
            if response.status_code != 200:
                raise SystemExit(f"{paths[number % len(paths)]} answered {response.status_code}")

    if args.cached:
        return profile_hits(args, client, ours, get_all, prerendered_dir)
    with override_settings(HEADLESS_CACHE={**settings.HEADLESS_CACHE, "ENABLED": False}):
        for path in ours:
            get_all([path], 1)  # renditions
        for name, paths in (("ours", ours), ("stock", stock)):
            with CaptureQueriesContext(connection) as queries:
                get_all(paths, 1)
            print(f"{name}: {len(queries)} queries per request")
            if args.sql and name == "ours":
                for query in queries.captured_queries:
                    print(f"  {query['time']}s  {query['sql'][:600]}")
                    if float(query["time"]) >= 0.002 and connection.vendor == "sqlite":
                        with connection.cursor() as cursor:
                            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                            for row in cursor.fetchall():
                                print("      plan:", row[-1])
        counts = {"ours": max(3, args.requests), "stock": max(3, args.requests // 4)}
        best = best_times(get_all, {"ours": ours, "stock": stock}, counts, rounds=args.rounds)
        best = {name: seconds * 1000 for name, seconds in best.items()}
        print(
            f"{args.endpoint}, {args.articles} articles of {args.blocks} blocks, {database_label}: "
            f"ours {best['ours']:.1f} ms, stock {best['stock']:.1f} ms, "
            f"stock/ours {best['stock'] / best['ours']:.2f}x"
        )
        profiler = cProfile.Profile()
        profiler.enable()
        get_all(ours, args.requests)
        profiler.disable()
    if args.save:
        profiler.dump_stats(args.save)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


def best_times(get, scenarios, counts, rounds):
    """Per scenario, the best of ``rounds`` interleaved rounds: seconds per request."""
    timings = {}
    for _ in range(rounds):
        for name, paths in scenarios.items():
            started = time.perf_counter()
            get(paths, counts[name])
            timings.setdefault(name, []).append((time.perf_counter() - started) / counts[name])
    return {name: min(values) for name, values in timings.items()}


def profile_hits(args, client, ours, get_all, prerendered_dir):
    """Cache hits of ours against the prerendered view replaying their bytes and headers."""
    import json

    from bench.views import REPLAYED_HEADERS

    browser = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    replays = []
    for number, path in enumerate(ours):
        client.get(path)  # renders and stores
        identity = client.get(path)
        (prerendered_dir / f"r{number}.json").write_bytes(identity.content)
        hit = client.get(path, **browser)
        assert hit["X-Cache"] == "hit" and hit["Content-Encoding"] == "br", path
        (prerendered_dir / f"r{number}.br").write_bytes(hit.content)
        headers = {name: hit[name] for name in REPLAYED_HEADERS if name in hit}
        (prerendered_dir / f"r{number}.headers.json").write_text(json.dumps(headers))
        replays.append(api_bench.PRERENDERED.format(f"r{number}"))

    def get_browser(paths, count):
        get_all(paths, count, **browser)

    counts = dict.fromkeys(("ours", "prerendered"), args.requests * 20)
    best = best_times(get_browser, {"ours": ours, "prerendered": replays}, counts, rounds=3)
    best = {name: seconds * 1e6 for name, seconds in best.items()}
    print(
        f"hits: ours {best['ours']:.0f} us, prerendered {best['prerendered']:.0f} us, "
        f"ours/prerendered speed {best['prerendered'] / best['ours']:.2f}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    get_browser(ours, counts["ours"])
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    return 0


def main():
    args = parse_args()
    return api_bench.with_throwaway_services(args, "profile", run)


if __name__ == "__main__":
    sys.exit(main())
