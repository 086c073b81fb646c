"""How precise and how fast the response cache's invalidation is, after publishing articles.

Run from the project root::

    .venv/bin/python bench/freshness_bench.py [--articles 1000 --blocks 20 --publishes 20
        --workers 2 --db sqlite|postgres --redis redis://127.0.0.1:6379/15|none]

In a throwaway database it builds articles (as bench/api_bench.py does), serves them with
gunicorn, requests every article's detail until each is a cache hit, then publishes one
article at a time from this process, as an editor or cron would, and measures:

1. the time from the publish's commit to a fresh answer on every path it affects (its detail,
   its find-by-path and the page of the article listing it is on), polled from the servers (goal: p99 < 1 s);
2. the share of unaffected cached details still served as hits right after the publish
   (goal: at least 99%); a detail is affected when its Cache-Tag names a tag the publish
   changed (read from the database: the article, the listings, a condition it joined);
3. the share of all detail requests right after a publish that are hits.

Prints the figures side by side; asserts nothing.
"""

import argparse
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
    import django
    from django.core.management import call_command

    django.setup()
    from articles.models import ArticlePage
    from headless.models import TagVersion
    from headless.references import site_path

    call_command("migrate", verbosity=0, interactive=False)
    started = time.monotonic()
    article_ids = api_bench.build_content(args.articles, args.blocks, args.seed)
    print(f"built {len(article_ids)} articles in {time.monotonic() - started:.0f}s", flush=True)
    details = {pk: f"/api/v2/pages/{pk}/" for pk in article_ids}
    # The listing page each article is on (newest first, as the API orders them).
    ordered = list(
        ArticlePage.objects.live()
        .order_by("-first_published_at", "-pk")
        .values_list("pk", flat=True)
    )
    listing_of = {pk: LISTING.format(index // 50 * 50) for index, pk in enumerate(ordered)}
    listings = sorted(set(listing_of.values()))

    with api_bench.gunicorn(args.workers, workdir / "gunicorn.log") as port:
        started = time.monotonic()
        tags = warm(port, [*details.values(), *listings])
        print(f"warmed {len(tags)} answers in {time.monotonic() - started:.0f}s", flush=True)

        fresh_times, unaffected_hits, unaffected_total, all_hits, affected_counts = [], 0, 0, 0, []
        step = max(1, len(article_ids) // args.publishes)
        for pk in article_ids[::step][: args.publishes]:
            page = ArticlePage.objects.get(pk=pk)
            title = f"{page.title} (revised {time.monotonic():.3f})"
            page.title = title
            before = dict(TagVersion.objects.values_list("tag", "version"))
            page.save_revision().publish()
            committed = time.monotonic()
            after = dict(TagVersion.objects.values_list("tag", "version"))
            changed = {tag for tag, version in after.items() if before.get(tag) != version}

            find = f"/api/v2/pages/find/?html_path={site_path(page)}"
            waiting = {details[pk], find, listing_of[pk]}
            while waiting:
                for path in list(waiting):
                    if title in get(port, path).text:
                        waiting.discard(path)
                if time.monotonic() - committed > 30:
                    raise SystemExit(f"still stale after 30 s: {sorted(waiting)}")
            fresh_times.append(time.monotonic() - committed)

            affected = {path for path, depends in tags.items() if depends & changed}
            affected_counts.append(len(affected))
            for path in details.values():
                hit = get(port, path).headers.get("X-Cache") == "hit"
                all_hits += hit
                if path not in affected:
                    unaffected_total += 1
                    unaffected_hits += hit
            tags = warm(port, [*details.values(), *listings])  # the next publish starts warm

    fresh_times.sort()
    p99 = fresh_times[min(len(fresh_times) - 1, int(len(fresh_times) * 0.99))]
    requests = len(details) * len(fresh_times)
    print()
    print(f"{database_label}, cache {cache_label}, ")
    print(f"{args.workers} gunicorn workers, {len(article_ids)} articles of {args.blocks} blocks")
    print(f"{len(fresh_times)} publishes, one at a time, from another process")
    print()
    print(f"{'commit to fresh, all affected paths':<48}{'p50':>8}{'p99':>8}{'max':>8}")
    print(
        f"{'  seconds':<48}{statistics.median(fresh_times):>8.3f}{p99:>8.3f}"
        f"{fresh_times[-1]:>8.3f}   goal p99 < 1 s"
    )
    print(
        f"{'cached details a publish affects (median)':<48}"
        f"{statistics.median(affected_counts):>8.0f} of {len(details)}"
    )
    print(
        f"{'unaffected cached details still hits':<48}"
        f"{100 * unaffected_hits / max(1, unaffected_total):>7.1f}%   goal >= 99%"
    )
    print(
        f"{'all detail requests right after a publish: hits':<48}{100 * all_hits / requests:>7.1f}%"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
