"""How much Redis memory one client's distinct URLs add to the response cache.

Run from the project root::

    .venv/bin/python bench/cache_memory_bench.py [--urls 10000 --seconds 60 --articles 20
        --blocks 20 --maxmemory 64mb]

It starts a Redis server of its own (``redis-server`` on a free port, ``allkeys-lru`` under
``--maxmemory``: the response cache's production policy, see docs/production.md), builds
articles in a throwaway SQLite database, asks each article's detail and the listing once (what
real visitors ask), then sends, as one client in this process, up to ``--urls`` distinct URLs
for at most ``--seconds``: cache busters (``?_=``), ``fields`` permutations, parameters nobody
reads, listing offsets and limits, and searches. It prints Redis's ``used_memory`` and key
count after each kind, and whether the real answers are still hits at the end.
"""

import argparse
import itertools
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import api_bench  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--blocks", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--maxmemory", default="64mb")
    args = parser.parse_args()
    args.db, args.redis, args.postgres_url = "sqlite", "none", ""
    return args


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def junk_urls(article_ids):
    """The distinct URLs one client sends, by kind, endlessly."""
    fields = ["title", "slug", "summary", "first_published_at", "hero_image", "conditions"]
    listing = "/api/v2/pages/?type=articles.ArticlePage"
    kinds = {
        "?_= cache busters": (f"{listing}&_={n}" for n in itertools.count()),
        "fields permutations": (
            f"{listing}&fields={','.join(order)}"
            for size in range(2, len(fields) + 1)
            for order in itertools.permutations(fields, size)
        ),
        "unread parameters on a detail": (
            f"/api/v2/pages/{article_ids[n % len(article_ids)]}/?utm_source={n}"
            for n in itertools.count()
        ),
        "offsets and limits": (
            f"{listing}&limit={limit}&offset={offset}"
            for limit in range(1, 50)
            for offset in range(0, 200)
        ),
        "searches": (f"{listing}&search=pain+{n}" for n in itertools.count()),
    }
    return kinds


def run(args, workdir, prerendered_dir, redis_url, cache_label, database_label):
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"]
        + ["--maxmemory", args.maxmemory, "--maxmemory-policy", "allkeys-lru"],
        stdout=subprocess.DEVNULL,
    )
    try:
        import redis

        url = f"redis://127.0.0.1:{port}/0"
        os.environ.update(REDIS_URL=url, API_CACHE_WARM="0", API_CACHE_POLL_SECONDS="1")
        info = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                info.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        article_ids = api_bench.set_up(args)
        from django.test import Client

        client = Client(HTTP_HOST="localhost")
        real = [f"/api/v2/pages/{pk}/" for pk in article_ids]
        real.append("/api/v2/pages/?type=articles.ArticlePage")
        for path in real:
            assert client.get(path).status_code == 200, path

        def used():
            return info.info("memory")["used_memory"], info.dbsize()

        baseline = used()
        print(f"Redis maxmemory {args.maxmemory} allkeys-lru; {len(real)} real answers cached:")
        print(f"  used_memory {baseline[0] / 1e6:.1f} MB, {baseline[1]} keys")
        kinds = junk_urls(article_ids)
        per_kind = max(1, args.urls // len(kinds))
        deadline = time.monotonic() + args.seconds
        sent = 0
        for kind, urls in kinds.items():
            before = used()
            statuses = {}
            started = time.monotonic()
            for path in itertools.islice(urls, per_kind):
                if time.monotonic() > deadline:
                    break
                status = client.get(path).status_code
                statuses[status] = statuses.get(status, 0) + 1
                sent += 1
            after = used()
            print(
                f"  {kind}: {sum(statuses.values())} URLs in {time.monotonic() - started:.0f}s"
                f" (statuses {statuses}): +{(after[0] - before[0]) / 1e6:.2f} MB,"
                f" +{after[1] - before[1]} keys"
            )
        end = used()
        hits = sum(client.get(path)["X-Cache"] == "hit" for path in real)
        print(
            f"after {sent} distinct URLs: used_memory {end[0] / 1e6:.1f} MB"
            f" (+{(end[0] - baseline[0]) / 1e6:.2f} MB), {end[1]} keys;"
            f" real answers still hits: {hits} of {len(real)}"
        )
    finally:
        server.terminate()
        server.wait()


def main():
    args = parse_args()
    return api_bench.with_throwaway_services(args, "memory-bench", run)


if __name__ == "__main__":
    sys.exit(main())
