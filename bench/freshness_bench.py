"""How precise and how fast the response cache's invalidation is, after publishing articles.

Run from the project root::

    .venv/bin/python bench/freshness_bench.py [--articles 1000 --blocks 20 --publishes 20
        --workers 2 --db sqlite|postgres --redis redis://127.0.0.1:6379/15|none]

In a throwaway database it builds articles (as bench/api_bench.py does), serves them with
gunicorn and, with Redis, runs the cache worker beside it (``db_worker --backend cache``, as
production does). It requests every article's detail and listing page until each is a cache
hit, then publishes one article at a time from this process, as an editor or cron would.
Publishes alternate between two measurements, because asking for an answer renders it:

1. odd publishes: the time from the commit to a fresh answer on every path it affects (its
   detail, its find-by-path and the page of the article listing it is on), polled from the
   servers (goal: p99 < 1 s);
2. even publishes: nobody asks until the cache worker has rendered the stale answers again
   (the time it took is reported); then every detail, and the affected find-by-path and
   listing, is requested once: the share of those requests that are hits with the new
   content (goal: at least 99%), and the share of unaffected cached details still served as
   hits (goal: at least 99%). A detail is affected when its Cache-Tag names a tag the publish
   changed (read from the database: the article, the listings, a condition it joined).

Prints the figures side by side; asserts nothing.
"""

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import api_bench  # noqa: E402
from tests import servers  # noqa: E402

LISTING = "/api/v2/pages/?type=articles.ArticlePage&limit=50&offset={}"
HOST = {"Host": "localhost"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/cms_freshness_bench"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def get(port, path):
    response = servers.request(port, path, headers=HOST)
    return response


def warm(port, paths):
    """Request each path until it is a hit on a server; return each one's tags."""
    tags = {}
    for path in paths:
        for _ in range(4):
            response = get(port, path)
            if response.headers.get("X-Cache") == "hit":
                break
        tags[path] = set(response.headers.get("Cache-Tag", "").split(","))
    return tags


def main():
    return api_bench.with_throwaway_services(parse_args(), "freshness", run)


def run(args, workdir, prerendered_dir, redis_url, cache_label, database_label):
    article_ids = api_bench.set_up(args)
    from articles.models import ArticlePage
    from headless.models import TagVersion
    from headless.references import site_path

    details = {pk: f"/api/v2/pages/{pk}/" for pk in article_ids}
    # The listing page each article is on (newest first, as the API orders them).
    ordered = list(
        ArticlePage.objects.live()
        .order_by("-first_published_at", "-pk")
        .values_list("pk", flat=True)
    )
    listing_of = {pk: LISTING.format(index // 50 * 50) for index, pk in enumerate(ordered)}
    listings = sorted(set(listing_of.values()))

    with contextlib.ExitStack() as stack:
        port = stack.enter_context(api_bench.gunicorn(args.workers, workdir / "gunicorn.log"))
        if redis_url:
            stack.enter_context(servers.db_worker(os.environ, workdir / "worker.log", "cache"))
        started = time.monotonic()
        tags = warm(port, [*details.values(), *listings])
        print(f"warmed {len(tags)} answers in {time.monotonic() - started:.0f}s", flush=True)

        fresh_times, rerender_times, affected_counts = [], [], []
        unaffected = [0, 0]  # hits, requests
        after = [0, 0]  # hits with the new content, requests
        step = max(1, len(article_ids) // args.publishes)
        for number, pk in enumerate(article_ids[::step][: args.publishes]):
            page = ArticlePage.objects.get(pk=pk)
            title = f"{page.title} (revised {time.monotonic():.3f})"
            page.title = title
            before = dict(TagVersion.objects.values_list("tag", "version"))
            done_before = finished_rerenders()
            page.save_revision().publish()
            committed = time.monotonic()
            now = dict(TagVersion.objects.values_list("tag", "version"))
            changed = {tag for tag, version in now.items() if before.get(tag) != version}
            find = f"/api/v2/pages/find/?html_path={site_path(page)}"
            own = {details[pk], find, listing_of[pk]}
            affected = {path for path, depends in tags.items() if depends & changed}
            affected_counts.append(len(affected))

            if number % 2 == 0:
                waiting = set(own)
                while waiting:
                    for path in list(waiting):
                        if title in get(port, path).text:
                            waiting.discard(path)
                    if time.monotonic() - committed > 30:
                        raise SystemExit(f"still stale after 30 s: {sorted(waiting)}")
                fresh_times.append(time.monotonic() - committed)
            else:
                if redis_url:
                    while finished_rerenders() in (None, done_before):
                        if time.monotonic() - committed > 30:
                            raise SystemExit("the cache worker rendered nothing in 30 s")
                        time.sleep(0.01)
                    rerender_times.append(time.monotonic() - committed)
                for path in sorted({*details.values(), *own}):
                    response = get(port, path)
                    hit = response.headers.get("X-Cache") == "hit"
                    if path in own:
                        hit = hit and title in response.text
                    after[0] += hit
                    after[1] += 1
                    if path not in affected and path not in own:
                        unaffected[0] += hit
                        unaffected[1] += 1
            tags = warm(port, [*details.values(), *listings])  # the next publish starts warm

    print()
    print(f"{database_label}, cache {cache_label}, ")
    print(f"{args.workers} gunicorn workers, {len(article_ids)} articles of {args.blocks} blocks")
    print(f"{args.publishes} publishes, one at a time, from another process")
    print()
    print(f"{'seconds':<48}{'p50':>8}{'p99':>8}{'max':>8}")
    for label, times, goal in (
        ("commit to fresh, all affected paths", fresh_times, "goal p99 < 1 s"),
        ("commit to re-rendered by the cache worker", rerender_times, ""),
    ):
        if times:
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(
                f"{'  ' + label:<48}{statistics.median(times):>8.3f}{p99:>8.3f}"
                f"{times[-1]:>8.3f}   {goal}"
            )
    print(
        f"{'cached details a publish affects (median)':<48}"
        f"{statistics.median(affected_counts):>8.0f} of {len(details)}"
    )
    print(
        f"{'unaffected cached details still hits':<48}"
        f"{100 * unaffected[0] / max(1, unaffected[1]):>7.1f}%   goal >= 99%"
    )
    print(
        f"{'requests after a publish: hits, fresh':<48}"
        f"{100 * after[0] / max(1, after[1]):>7.1f}%   goal >= 99% ({after[1]} requests)"
    )
    return 0


def finished_rerenders():
    """How many re-renderings the cache worker has finished; None while one is to come."""
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path="headless.cache.tasks.after_change")
    if tasks.filter(status__in=["READY", "RUNNING"]).exists():
        return None
    return tasks.filter(status="SUCCESSFUL").count()


if __name__ == "__main__":
    sys.exit(main())
