"""Sustained concurrent load on the API as deployed: gunicorn, production settings, PostgreSQL.

Run from the project root (``make load`` runs it with the defaults)::

    .venv/bin/python bench/load_test.py [--duration 30 --concurrency 8 --workers 3
        --postgres-url postgres://postgres@127.0.0.1:5432/cms_load
        --redis redis://127.0.0.1:6379/11|none]

It creates the throwaway database (dropped first, dropped again at the end), migrates it, loads
the demo content, and serves it with ``gunicorn cms.wsgi`` under ``cms.settings.production``.
Client threads then request a mix a frontend makes (article details, the article listing,
listings by condition, find by path, the site settings) for the given time, twice: with the
response cache on Redis, as deployed, and with it off, every answer rendered from PostgreSQL.

It prints throughput and latency percentiles per run and exits 1 if any request failed (an
error status or a dropped connection); the target is zero.
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402
from tests import servers  # noqa: E402

HEADERS = {"X-Forwarded-Proto": "https", "Host": "localhost"}  # as the proxy forwards them


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432/cms_load",
        help="dropped and created by the script",
    )
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/11", help="cache URL, flushed; or 'none'"
    )
    args = parser.parse_args()
    if args.duration <= 0 or args.concurrency < 1 or args.workers < 1:
        parser.error("need a positive duration, one thread and one worker at least")
    return args


def get(port, path, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def gunicorn(env, workers, log_path):
    return servers.gunicorn(env, log_path, workers=workers)


def request_mix(port):
    """The URLs a frontend asks for, read from the API itself."""
    status, body = get(port, "/api/v2/pages/?type=articles.ArticlePage&fields=conditions")
    if status != 200:
        raise SystemExit(f"the article listing answered {status}: {body[:300]}")
    articles = json.loads(body)["items"]
    if not articles:
        raise SystemExit("no articles to request: did load_demo_content run?")
    paths = ["/api/v2/pages/?type=articles.ArticlePage", "/api/v2/site/"]
    for article in articles:
        paths.append(f"/api/v2/pages/{article['id']}/")
        paths.append(f"/api/v2/pages/find/?html_path={article['meta']['path']}")
        for condition in article["conditions"][:1]:
            paths.append(f"/api/v2/pages/?type=articles.ArticlePage&condition={condition['slug']}")
    for path in paths:  # every answer right once, and the image renditions made, before timing
        status, body = get(port, path, timeout=120)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}: {body[:300]}")
    return paths


def load(port, paths, duration, concurrency):
    """A run's throughput and latency percentiles, and what failed."""
    run = loadgen.load(port, paths, duration, concurrency, headers=HEADERS)
    latencies = sorted(run["latencies"])
    return {
        "requests": len(latencies) + len(run["failures"]),
        "rps": len(latencies) / run["wall"],
        "p50": loadgen.percentile(latencies, 0.50),
        "p95": loadgen.percentile(latencies, 0.95),
        "p99": loadgen.percentile(latencies, 0.99),
        "max": latencies[-1] * 1000 if latencies else float("nan"),
        "failures": run["failures"],
    }


def main():
    from cryptography.fernet import Fernet

    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="cms-load-"))
    redis_url = "" if args.redis == "none" else args.redis
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": os.urandom(32).hex(),
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "FORM_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": args.postgres_url,
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": "load",
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }
    log_path = workdir / "gunicorn.log"
    try:
        loadgen.recreate_database(args.postgres_url)
        started = time.monotonic()
        for command in (["migrate", "--noinput", "-v0"], ["load_demo_content", "-v0"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        print(f"migrated and loaded the demo content in {time.monotonic() - started:.0f}s")

        runs = {}
        for label, cache in (("cache on", "1"), ("cache off", "0")):
            if redis_url:
                import redis

                redis.Redis.from_url(redis_url).flushdb()
            with gunicorn({**env, "API_RESPONSE_CACHE": cache}, args.workers, log_path) as port:
                paths = request_mix(port)
                load(port, paths, min(2.0, args.duration / 5), args.concurrency)  # warm up
                runs[label] = load(port, paths, args.duration, args.concurrency)
            result = runs[label]
            print(
                f"  {label:<9} {result['rps']:8.1f} req/s  p50 {result['p50']:6.1f} ms  "
                f"p99 {result['p99']:6.1f} ms  failures {len(result['failures'])}",
                flush=True,
            )
        report(args, runs, redis_url, len(paths))
        failures = [failure for result in runs.values() for failure in result["failures"]]
        if failures:
            print(f"{len(failures)} requests failed, for example:")
            print("\n".join(f"  {failure}" for failure in failures[:10]))
            print("The end of the gunicorn log:")
            print("\n".join(log_path.read_text().splitlines()[-30:]))
            return 1
        return 0
    finally:
        loadgen.recreate_database(args.postgres_url, drop_only=True)
        shutil.rmtree(workdir, ignore_errors=True)


def report(args, runs, redis_url, path_count):
    print()
    print(
        f"gunicorn -w {args.workers} (sync) with cms.settings.production on PostgreSQL, "
        f"cache {'Redis' if redis_url else 'per-process LocMem'}; {args.concurrency} client "
        f"threads on the same machine for {args.duration:g}s per run, {path_count} URLs "
        f"(details, listings, find by path, site settings); {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    header = (
        f"{'run':<10} {'requests':>9} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'failed':>7}"
    )
    print(header)
    print("-" * len(header))
    for label, result in runs.items():
        print(
            f"{label:<10} {result['requests']:9d} {result['rps']:8.1f} {result['p50']:7.1f} "
            f"{result['p95']:7.1f} {result['p99']:7.1f} {result['max']:7.1f} "
            f"{len(result['failures']):7d}"
        )


if __name__ == "__main__":
    sys.exit(main())
